/**
 * Every runtime service the SDK core needs, as Node.js provides them.
 *
 * @module
 */
import * as Layer from "effect/Layer"
import type { Env, FileSystem, Keychain } from "./CoreContracts.ts"
import { EnvLive } from "./NodeEnv.ts"
import { FileSystemLive } from "./NodeFileSystem.ts"
import { KeychainLive } from "./NodeKeychain.ts"

/**
 * `EnvLive`, `FileSystemLive` and `KeychainLive` together: every runtime service the default
 * credential chain and `storeApiKey` need. Provide it to an Effect program that uses core
 * credential providers directly. Only the keychain can report `RuntimeUnavailable` under Node.
 */
export const RuntimeLive: Layer.Layer<Env | FileSystem | Keychain> = Layer.mergeAll(
  EnvLive,
  FileSystemLive,
  KeychainLive,
)
