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

/**
 * `EnvLive`, `FileSystemLive` and `KeychainLive` together: every runtime service the default
 * credential chain and `storeApiKey` need. Provide it to an Effect program that uses core
 * credential providers directly. Each service reports `RuntimeUnavailable` for a Deno permission
 * that was not granted, so run with the `--allow-env` / `--allow-read` / `--allow-run` flags you need.
 */
export const RuntimeLive: Layer.Layer<Env | FileSystem | Keychain> = Layer.mergeAll(
  EnvLive,
  FileSystemLive,
  KeychainLive,
)
