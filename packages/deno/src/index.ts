/**
 * @omophub/deno: the runtime services (environment, file system, OS keychain) for Deno, each
 * reporting `RuntimeUnavailable` instead of prompting or throwing when a permission is missing.
 * The Node, Bun and browser adapters export the same names.
 *
 * @module
 */
export { EnvLive, envFromRecord } from "./DenoEnv.ts"
export { FileSystemLive, makeFileSystem } from "./DenoFileSystem.ts"
export { KeychainLive, type KeychainOptions, keychainLayer, makeKeychain } from "./DenoKeychain.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
