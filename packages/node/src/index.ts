/**
 * @omophub/node: the runtime services (environment, file system, OS keychain) for Node.js.
 * The Deno, Bun and browser adapters export the same names.
 *
 * @module
 */
export { EnvLive, envFromRecord } from "./NodeEnv.ts"
export { FileSystemLive, makeFileSystem } from "./NodeFileSystem.ts"
export { KeychainLive, type KeychainOptions, keychainLayer, makeKeychain } from "./NodeKeychain.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
