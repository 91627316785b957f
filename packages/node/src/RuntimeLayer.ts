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

export const RuntimeLive: Layer.Layer<Env | FileSystem | Keychain> = Layer.mergeAll(
  EnvLive,
  FileSystemLive,
  KeychainLive,
)
