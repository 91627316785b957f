/**
 * Every runtime service the SDK core needs, as Bun provides them. Files go through Bun's native
 * `node:fs` and the keychain through `@napi-rs/keyring`, shared with the Node adapter.
 *
 * @module
 */
import { FileSystemLive, KeychainLive } from "@omophub/node"
import * as Layer from "effect/Layer"
import { EnvLive } from "./BunEnv.ts"
import type { Env, FileSystem, Keychain } from "./CoreContracts.ts"

/**
 * `EnvLive` (over `Bun.env`) with the Node adapter's `FileSystemLive` and `KeychainLive`: every
 * runtime service the default credential chain and `storeApiKey` need. Only the keychain can report
 * `RuntimeUnavailable` (no `@napi-rs/keyring`, no reachable store, or a timeout).
 */
export const RuntimeLive: Layer.Layer<Env | FileSystem | Keychain> = Layer.mergeAll(
  EnvLive,
  FileSystemLive,
  KeychainLive,
)
