/**
 * The runtime services a browser can offer: only the (empty) environment. There is no file system
 * or OS keychain, so credential providers that need them cannot be wired in (a type error).
 *
 * @module
 */
import type * as Layer from "effect/Layer"
import { EnvLive } from "./BrowserEnv.ts"
import type { Env } from "./CoreContracts.ts"

/**
 * The runtime services a browser supplies: only `Env` (always empty, see `EnvLive`). No
 * `FileSystem` or `Keychain`, so providers needing them (`fromFile`, `fromKeychain`) are a type
 * error here rather than a `RuntimeUnavailable` at run time.
 */
export const RuntimeLive: Layer.Layer<Env> = EnvLive
