/**
 * @omophub/browser: the OMOPHub SDK for browsers and other web-standard runtimes without files
 * or a keychain. `createClient(options)` / `new OMOPHub(options)` (Promise API) and `layer(options)`
 * (Effect API), keys from the `apiKey` option then a `credentials` provider (normally
 * `fromCallback`, fetching a short-lived token from your backend); everything `@omophub/core`
 * exports (errors, providers, types); and the runtime services that apply here (`EnvLive`,
 * `envFromRecord`, `RuntimeLive`). `FileSystemLive`, `KeychainLive` and `storeApiKey` do not exist here.
 *
 * @module
 */
export * from "@omophub/core"
export { EnvLive, envFromRecord } from "./BrowserEnv.ts"
export { type ClientOptions, createClient, layer, OMOPHub } from "./Client.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
