/**
 * Reads environment variables. Supplied by each runtime adapter (process.env, Deno.env, Bun.env);
 * the core never touches a runtime global itself.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { RuntimeUnavailable } from "./Unavailable.ts"

/** What an `Env` implementation provides. */
export interface EnvShape {
  /** The variable's value, or none when it is unset. An empty string counts as unset. */
  readonly get: (name: string) => Effect.Effect<Option.Option<string>, RuntimeUnavailable>
}

/**
 * Environment variables, as the credential chain (`OMOPHUB_API_KEY`, `OMOPHUB_PROFILE`...) and the
 * configuration (`OMOPHUB_API_URL`) read them. Runtime adapters provide it as `EnvLive`.
 */
export class Env extends Context.Service<Env, EnvShape>()("@omophub/core/Env") {
  /** An environment backed by a plain record (tests, Workers bindings, explicit configuration). */
  static readonly fromRecord = (record: Readonly<Record<string, string | undefined>>): Layer.Layer<Env> =>
    Layer.succeed(
      Env,
      Env.of({
        get: (name) => {
          const value = record[name]
          return Effect.succeed(value === undefined || value === "" ? Option.none() : Option.some(value))
        },
      }),
    )
}
