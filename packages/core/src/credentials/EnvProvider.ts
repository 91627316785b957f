/**
 * A key read from an environment variable through the runtime's `Env` service.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { Env } from "../runtime/Env.ts"
import { parseApiKey } from "./ApiKey.ts"
import {
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
} from "./Provider.ts"

/**
 * Reads the variable (default `OMOPHUB_API_KEY`). Unset, empty or blank => not found; no access
 * to the environment => not found; a value that cannot be a key => misconfigured.
 */
export const fromEnv = (name = "OMOPHUB_API_KEY"): CredentialProvider<Env> =>
  makeProvider(
    `env:${name}`,
    Effect.gen(function* () {
      const env = yield* Env
      const value = yield* env
        .get(name)
        .pipe(
          Effect.catchTag("RuntimeUnavailable", (unavailable) =>
            Effect.fail(new CredentialNotFound({ reason: `environment unavailable: ${unavailable.reason}` })),
          ),
        )
      if (Option.isNone(value) || value.value.trim() === "") {
        return yield* new CredentialNotFound({ reason: `${name} is not set` })
      }
      const key = parseApiKey(value.value)
      if (Result.isFailure(key)) {
        return yield* new CredentialMisconfigured({ reason: `${name}: ${key.failure.message}` })
      }
      return { key: key.success }
    }),
  )
