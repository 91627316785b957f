/** @omophub/sandbox: a local OMOPHub-compatible REST server for offline tests and demos. */
export { loadAthenaRelease } from "./data/AthenaLoader.ts"
export { builtinRelease } from "./data/Builtin.ts"
export type {
  Concept,
  ConceptAncestorRow,
  ConceptClass,
  ConceptRelationshipRow,
  ConceptSynonymRow,
  Domain,
  RelationshipType,
  Vocabulary,
  VocabularyRelease,
} from "./data/Release.ts"
export type { SandboxBindings, SandboxEnv } from "./http/SandboxEnv.ts"
export { type AppConfig, CONTROL_PREFIX, createApp, type SandboxApp } from "./server/App.ts"
export { type ControlInit, SandboxControl } from "./server/Control.ts"
export type { FaultBase, FaultKind, FaultQueue, FaultSpec } from "./server/Faults.ts"
export {
  type ApiKeyRecord,
  DEFAULT_SANDBOX_KEY,
  type KeyCheck,
  type KeyStore,
  loadKeysFile,
} from "./server/Keys.ts"
export type { RateDecision, RateLimiter, RateLimitOptions } from "./server/RateLimiter.ts"
export {
  DEFAULT_RELEASE_NAME,
  loadReleases,
  type ReleaseRegistry,
  type ReleaseSource,
} from "./server/Releases.ts"
export type { LoggedRequest, RequestLog, RequestRecord } from "./server/RequestLog.ts"
export { type Sandbox, type SandboxOptions, start } from "./server/Start.ts"
