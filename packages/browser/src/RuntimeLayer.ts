/**
 * The runtime services a browser can offer: only the (empty) environment. There is no file system
 * or OS keychain, so credential providers that need them cannot be wired in (a type error).
 *
 * @module
 */
import type * as Layer from "effect/Layer"
import { EnvLive } from "./BrowserEnv.ts"
import type { Env } from "./CoreContracts.ts"

export const RuntimeLive: Layer.Layer<Env> = EnvLive
