/**
 * @omophub/deno: the OMOPHub SDK for Deno. `createClient()` / `new OMOPHub()` (Promise API) and
 * `layer()` (Effect API) with the default credential chain; `storeApiKey`; the runtime services
 * (`EnvLive`, `FileSystemLive`, `KeychainLive`, `RuntimeLive`), each reporting `RuntimeUnavailable`
 * instead of prompting or throwing when a permission is missing; and everything `@omophub/core`
 * exports (errors, credential providers, types). The Node, Bun and browser adapters export the
 * same names.
 *
 * @module
 */

export * from "@omophub/core"
export type {
  ServerClientOptions,
  ServerRuntime,
  StoreApiKeyError,
  StoreApiKeyOptions,
  StoredApiKey,
} from "@omophub/core/server"
export { storeApiKeyEffect } from "@omophub/core/server"
export { type ClientOptions, createClient, layer, OMOPHub } from "./Client.ts"
export { EnvLive, envFromRecord } from "./DenoEnv.ts"
export { FileSystemLive, makeFileSystem } from "./DenoFileSystem.ts"
export { KeychainLive, type KeychainOptions, keychainLayer, makeKeychain } from "./DenoKeychain.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
export { storeApiKey } from "./StoreKey.ts"
