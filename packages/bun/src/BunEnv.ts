/**
 * Environment variables from `Bun.env`, read at call time.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Env } from "./CoreContracts.ts"

const bunEnv = () =>
  (globalThis as unknown as { readonly Bun: { readonly env: Record<string, string | undefined> } }).Bun.env

/**
 * The `Env` service over `Bun.env`, read on every call. Never fails: an unset or empty variable is
 * none, so it never reports `RuntimeUnavailable`.
 */
export const EnvLive: Layer.Layer<Env> = Layer.succeed(
  Env,
  Env.of({
    get: (name) =>
      Effect.sync(() => {
        const value = bunEnv()[name]
        return value === undefined || value === "" ? Option.none() : Option.some(value)
      }),
  }),
)

/** An environment backed by an explicit record instead of `Bun.env`. */
export const envFromRecord = Env.fromRecord
