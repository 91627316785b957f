/**
 * @omophub/bun: the OMOPHub SDK for Bun. `createClient()` / `new OMOPHub()` (Promise API) and
 * `layer()` (Effect API) with the default credential chain; `storeApiKey`; the runtime services
 * (`EnvLive`, `FileSystemLive`, `KeychainLive`, `RuntimeLive`); and everything `@omophub/core`
 * exports (errors, credential providers, types). The Node, Deno and browser adapters export the
 * same names.
 *
 * The keychain deliberately uses `@napi-rs/keyring` rather than `Bun.secrets`: Bun stores items
 * under its own libsecret schema (`com.oven-sh.bun.Secret`, attribute `account`), which
 * `secret-tool` and the Node and Deno adapters cannot see, and it cannot read theirs.
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
export {
  FileSystemLive,
  KeychainLive,
  type KeychainOptions,
  keychainLayer,
  makeFileSystem,
  makeKeychain,
} from "@omophub/node"
export { EnvLive, envFromRecord } from "./BunEnv.ts"
export { type ClientOptions, createClient, layer, OMOPHub } from "./Client.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
export { storeApiKey } from "./StoreKey.ts"
