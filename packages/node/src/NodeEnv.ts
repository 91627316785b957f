/**
 * Environment variables from `process.env`, read at call time so that changes made after the
 * SDK is imported (tests, dotenv loaders) are seen.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Env } from "./CoreContracts.ts"

/**
 * The `Env` service over `process.env`, read on every call. Never fails: an unset or empty variable
 * is none, so it never reports `RuntimeUnavailable`.
 */
export const EnvLive: Layer.Layer<Env> = Layer.sync(Env, () =>
  Env.of({
    get: (name) =>
      Effect.sync(() => {
        const value = process.env[name]
        return value === undefined || value === "" ? Option.none() : Option.some(value)
      }),
  }),
)

/** An environment backed by an explicit record instead of the process environment. */
export const envFromRecord = Env.fromRecord
