/**
 * @omophub/node: the OMOPHub SDK for Node.js. `createClient()` / `new OMOPHub()` (Promise API) and
 * `layer()` (Effect API) with the default credential chain; `storeApiKey`; the runtime services
 * (`EnvLive`, `FileSystemLive`, `KeychainLive`, `RuntimeLive`); and everything `@omophub/core`
 * exports (errors, credential providers, types), so one import is enough. The Deno, Bun and
 * browser adapters export the same names.
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
export { EnvLive, envFromRecord } from "./NodeEnv.ts"
export { FileSystemLive, makeFileSystem } from "./NodeFileSystem.ts"
export { KeychainLive, type KeychainOptions, keychainLayer, makeKeychain } from "./NodeKeychain.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
export { storeApiKey } from "./StoreKey.ts"
