/**
 * A key read from the operating system's secret store through the runtime's `Keychain` service.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { Keychain } from "../runtime/Keychain.ts"
import { parseApiKey } from "./ApiKey.ts"
import {
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
} from "./Provider.ts"

/** Which keychain entry `fromKeychain` reads. */
export interface FromKeychainOptions {
  /** The entry's service name; default `omophub`. */
  readonly service?: string | undefined
  /** The entry's account; default `default` (the profile name). */
  readonly account?: string | undefined
}

/**
 * Reads the entry `service`/`account`. No entry, no reachable store, or a store that refuses
 * (locked, denied) => not found, so headless machines fall through; a stored value that cannot be
 * a key => misconfigured.
 */
export const fromKeychain = (options?: FromKeychainOptions): CredentialProvider<Keychain> => {
  const service = options?.service ?? "omophub"
  const account = options?.account ?? "default"
  return makeProvider(
    `keychain:${service}/${account}`,
    Effect.gen(function* () {
      const keychain = yield* Keychain
      const secret = yield* keychain.get(service, account).pipe(
        Effect.catchTags({
          RuntimeUnavailable: (unavailable) =>
            Effect.fail(new CredentialNotFound({ reason: `keychain unavailable: ${unavailable.reason}` })),
          KeychainError: (error) =>
            Effect.fail(new CredentialNotFound({ reason: `keychain refused: ${error.reason}` })),
        }),
      )
      if (Option.isNone(secret)) return yield* new CredentialNotFound({ reason: "no such entry" })
      const key = parseApiKey(Redacted.value(secret.value))
      if (Result.isFailure(key)) {
        return yield* new CredentialMisconfigured({ reason: `the stored entry: ${key.failure.message}` })
      }
      return { key: key.success }
    }),
  )
}
