/**
 * Every runtime service the SDK core needs, as Deno provides them (each subject to permissions).
 *
 * @module
 */
import * as Layer from "effect/Layer"
import type { Env, FileSystem, Keychain } from "./CoreContracts.ts"
import { EnvLive } from "./DenoEnv.ts"
import { FileSystemLive } from "./DenoFileSystem.ts"
import { KeychainLive } from "./DenoKeychain.ts"

export const RuntimeLive: Layer.Layer<Env | FileSystem | Keychain> = Layer.mergeAll(
  EnvLive,
  FileSystemLive,
  KeychainLive,
)
