/**
 * Browsers have no process environment. `EnvLive` is an environment where every variable is unset,
 * so the environment credential provider simply finds nothing; pass values explicitly with
 * `envFromRecord` (for example from a bundler's build-time defines), never a long-lived API key.
 *
 * @module
 */
import type * as Layer from "effect/Layer"
import { Env } from "./CoreContracts.ts"

/** An environment backed by an explicit record. */
export const envFromRecord = Env.fromRecord

/**
 * The `Env` service for browsers: every variable is unset (there is no process environment), so
 * `fromEnv` finds nothing. It never reports `RuntimeUnavailable`.
 */
export const EnvLive: Layer.Layer<Env> = envFromRecord({})
