/**
 * Ordered fallback over providers: the first that yields a key wins, a misconfigured one stops the
 * search, and when none yields the failure lists every provider consulted and why.
 *
 * @module
 */

import * as Effect from "effect/Effect"
import type { CredentialAttempt } from "../Errors.ts"
import {
  attemptsOf,
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
  type ProvidedCredential,
} from "./Provider.ts"

/** The services a provider needs (its `R`), so a chain needs the union of its members' services. */
export type ServicesOf<P> = P extends CredentialProvider<infer R> ? R : never

/**
 * A provider that tries `providers` in order and yields the first key found. A provider that is
 * misconfigured stops the chain (so a broken credentials file is never silently skipped); when
 * none yields a key, the failure lists every provider tried and why.
 *
 * @example
 * ```ts
 * const credentials = chain(fromEnv("MY_APP_OMOPHUB_KEY"), fromCallback(fetchTokenFromBackend))
 * ```
 */
export const chain = <const Providers extends ReadonlyArray<CredentialProvider<unknown>>>(
  ...providers: Providers
): CredentialProvider<ServicesOf<Providers[number]>> =>
  makeProvider(
    `chain(${providers.map((provider) => provider.name).join(", ")})`,
    Effect.gen(function* () {
      const attempts: Array<CredentialAttempt> = []
      for (const provider of providers as ReadonlyArray<CredentialProvider<ServicesOf<Providers[number]>>>) {
        const outcome = yield* Effect.result(provider.resolve)
        if (outcome._tag === "Success") {
          const credential: ProvidedCredential = outcome.success
          return { ...credential, source: credential.source ?? provider.name }
        }
        const failure = outcome.failure
        attempts.push(...attemptsOf(provider.name, failure))
        if (failure._tag === "CredentialMisconfigured") {
          return yield* new CredentialMisconfigured({
            reason: failure.reason,
            attempts,
            provider: failure.provider ?? provider.name,
          })
        }
      }
      return yield* attempts.length === 0
        ? new CredentialNotFound({ reason: "the chain has no providers" })
        : new CredentialNotFound({ reason: "no provider yielded a key", attempts })
    }),
  )
