/**
 * @omophub/browser: the runtime services for browsers and other web-standard runtimes without
 * files or a keychain. Exports the same names as the Node, Deno and Bun adapters where they apply
 * (`EnvLive`, `envFromRecord`, `RuntimeLive`); `FileSystemLive` and `KeychainLive` do not exist here.
 *
 * @module
 */
export { EnvLive, envFromRecord } from "./BrowserEnv.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
