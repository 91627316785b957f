/**
 * @omophub/core/server: what the Node, Deno and Bun adapters share and the browser must not carry —
 * the client wired to a server runtime's services with the default credential chain, and
 * `storeApiKey`. Runtime-free itself (it uses only the core's service contracts).
 *
 * @module
 */
export {
  provideRuntime,
  readApiUrl,
  type ServerClientOptions,
  type ServerRuntime,
  serverLayer,
  toCoreOptions,
} from "./client/ServerClient.ts"
export {
  type StoreApiKeyError,
  type StoreApiKeyOptions,
  type StoredApiKey,
  setProfileKey,
  storeApiKeyEffect,
} from "./credentials/StoreApiKey.ts"
