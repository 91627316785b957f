/**
 * @omophub/bun: the runtime services (environment, file system, OS keychain) for Bun.
 * The Node, Deno and browser adapters export the same names.
 *
 * The keychain deliberately uses `@napi-rs/keyring` rather than `Bun.secrets`: Bun stores items
 * under its own libsecret schema (`com.oven-sh.bun.Secret`, attribute `account`), which
 * `secret-tool` and the Node and Deno adapters cannot see, and it cannot read theirs.
 *
 * @module
 */
export {
  FileSystemLive,
  KeychainLive,
  type KeychainOptions,
  keychainLayer,
  makeFileSystem,
  makeKeychain,
} from "@omophub/node"
export { EnvLive, envFromRecord } from "./BunEnv.ts"
export { RuntimeLive } from "./RuntimeLayer.ts"
