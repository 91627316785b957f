/**
 * @omophub/core: the runtime-independent OMOPHub SDK. Effect API (`OmopHubClient`), Promise API
 * (`createClient` / `OMOPHub`), the error family, credential providers, and the request pipeline's
 * building blocks for runtime adapters.
 *
 * @module
 */

// Clients
export {
  type BoundMethod,
  bindEffect,
  bindPromise,
  type CallOptions,
  type EffectCallOptions,
  type EffectMethods,
  type ItemOf,
  type OutputOf,
  type PagedName,
  type PromiseMethods,
  type PromiseRunner,
  type Variant,
} from "./client/Bind.ts"
export {
  type ClientOptions,
  layer,
  layerWith,
  make as makeClient,
  OmopHubClient,
  type OmopHubClientShape,
  type Resources,
  resources,
} from "./client/OmopHubClient.ts"
export {
  type CollectedItems,
  type CollectOptions,
  defaultItemLimit,
  defaultMaxPages,
  type PageWalkOptions,
} from "./client/Pagination.ts"
export type {
  ConceptsApi,
  ConceptsEffectApi,
  DomainsApi,
  DomainsEffectApi,
  FhirApi,
  FhirEffectApi,
  HierarchyApi,
  HierarchyEffectApi,
  MappingsApi,
  MappingsEffectApi,
  RelationshipsApi,
  RelationshipsEffectApi,
  SearchApi,
  SearchEffectApi,
  VocabulariesApi,
  VocabulariesEffectApi,
} from "./client/PromiseApis.ts"
export { createClient, OMOPHub } from "./client/PromiseClient.ts"
// Credentials
export { apiKeyLabel, fingerprint, InvalidApiKey, parseApiKey } from "./credentials/ApiKey.ts"
export {
  type CallbackCredential,
  type CredentialsCallback,
  fromCallback,
} from "./credentials/CallbackProvider.ts"
export { chain, type ServicesOf } from "./credentials/Chain.ts"
export { Credentials, type CredentialsShape, type ResolvedCredential } from "./credentials/Credentials.ts"
export {
  type CredentialsCacheOptions,
  layerCredentials,
  makeCredentials,
} from "./credentials/CredentialsCache.ts"
export { fromEnv } from "./credentials/EnvProvider.ts"
export { type FromFileOptions, fromFile } from "./credentials/FileProvider.ts"
export { type FromKeychainOptions, fromKeychain } from "./credentials/KeychainProvider.ts"
export {
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
  type ProvidedCredential,
  type ProviderFailure,
} from "./credentials/Provider.ts"
export {
  browserChain,
  type CredentialsFileLocation,
  credentialsFileLocation,
  type KeychainFor,
  type StandardChainOptions,
  standardChain,
} from "./credentials/StandardChain.ts"
export { fromValue } from "./credentials/ValueProvider.ts"
// Errors
export * from "./Errors.ts"
// Retry, classification and rate-limit policy
export { type BackoffOptions, backoffCeiling, backoffDelay } from "./http/Backoff.ts"
export {
  type ClassifyInput,
  classifyResponse,
  isRetryable,
  type ResponseError,
  type RetryRequest,
} from "./http/Classify.ts"
// Configuration and pipeline
export {
  ClientConfig,
  type ClientConfigOptions,
  defaultBaseUrl,
  type ResolvedClientConfig,
  resolveClientConfig,
} from "./http/Config.ts"
export * as KyTransport from "./http/KyTransport.ts"
export {
  clientRateLimitedCode,
  makeRateLimitGate,
  type PermitOptions,
  type RateLimitGate,
  type RateLimitGateOptions,
} from "./http/RateLimitGate.ts"
export {
  makeMemoryStore,
  type RateLimitSnapshot,
  RateLimitStore,
  type RateLimitStoreShape,
  type Reservation,
  readRateLimitHeaders,
} from "./http/RateLimitState.ts"
export {
  makeRequestPipeline,
  type RequestOptions,
  RequestPipeline,
  type RequestPipelineShape,
} from "./http/RequestPipeline.ts"
export {
  makeMemoryCacheStore,
  type ResolvedCacheConfig,
  type ResponseCacheOptions,
  type ResponseCacheStore,
} from "./http/ResponseCache.ts"
export { parseRateLimitReset, parseRetryAfter } from "./http/RetryAfter.ts"
export {
  type RetryDelayOptions,
  type RetryInfo,
  type RetryingOptions,
  retryDelay,
  retrying,
} from "./http/RetryPolicy.ts"
export { userAgent } from "./http/UserAgent.ts"

// Resources (descriptors) and response models
export * as Concepts from "./resources/Concepts.ts"
export * as Domains from "./resources/Domains.ts"
export * as Fhir from "./resources/Fhir.ts"
export {
  type FhirBatchResult,
  type FhirCodeableConceptOptions,
  type FhirCodeableConceptResult,
  FhirConcept,
  FhirResolution,
  type FhirResolveError,
  type FhirResolveFailure,
  type FhirResolveOptions,
  FhirResolveResult,
  type FhirResourceType,
  isFhirResolved,
} from "./resources/Fhir.ts"
export type { FhirCodeableConcept, FhirCoding, FhirCodingInput } from "./resources/FhirTypes.ts"
export { type FhirVersion, fhirServerUrl, fhirVersions } from "./resources/FhirUrl.ts"
export * as Hierarchy from "./resources/Hierarchy.ts"
export * as Mappings from "./resources/Mappings.ts"
export { Concept, ConceptRelationship, ConceptSummary, Mapping, Synonym } from "./resources/Models.ts"
export {
  type AnyMethod,
  type EncodedInput,
  type HttpMethod,
  type Method,
  makeOperation,
  type Operation,
  type Pagination,
  type QueryValue,
  type ResponseMeta,
} from "./resources/Operation.ts"
export type { PageOptions } from "./resources/PageQuery.ts"
export * as Relationships from "./resources/Relationships.ts"
export * as Search from "./resources/Search.ts"
export { type Checker, makeChecker } from "./resources/Validate.ts"
export * as Vocabularies from "./resources/Vocabularies.ts"

// Runtime services the adapters implement
export { Env, type EnvShape } from "./runtime/Env.ts"
export { type FileInfo, FileSystem, FileSystemError, type FileSystemShape } from "./runtime/FileSystem.ts"
export {
  HttpTransport,
  type HttpTransportShape,
  TransportFailure,
  type TransportRequest,
  type TransportResponse,
} from "./runtime/HttpTransport.ts"
export { Keychain, KeychainError, type KeychainShape } from "./runtime/Keychain.ts"
export { RuntimeUnavailable } from "./runtime/Unavailable.ts"
export { version } from "./version.ts"
