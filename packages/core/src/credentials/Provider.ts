/**
 * The credential provider model. A provider is a named lookup that yields a key, says "not found,
 * try the next provider", or says "misconfigured, stop" — the distinction that lets a chain fall
 * through an unset variable but never silently skip past a broken credentials file.
 *
 * @module
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { type CredentialAttempt, CredentialsError } from "../Errors.ts"

/** What a provider yields. */
export interface ProvidedCredential {
  readonly key: Redacted.Redacted<string>
  /** Epoch milliseconds after which the key must not be used. */
  readonly expiresAt?: number | undefined
  /** The provider that produced the key when it is not the one asked (set by chains). */
  readonly source?: string | undefined
}

/** The provider has no key; the next provider in a chain should be tried. */
export class CredentialNotFound extends Data.TaggedError("CredentialNotFound")<{
  /** Why, without any secret: "OMOPHUB_API_KEY is not set". */
  readonly reason: string
  /** Set by chains: every provider consulted, replacing the single entry for this provider. */
  readonly attempts?: ReadonlyArray<CredentialAttempt> | undefined
}> {}

/** The provider found something unusable; a chain must stop rather than fall through to another key. */
export class CredentialMisconfigured extends Data.TaggedError("CredentialMisconfigured")<{
  /** Why, without any secret: "line 4 is not a [section], key = value pair or comment". */
  readonly reason: string
  /** Set by chains: every provider consulted up to and including the misconfigured one. */
  readonly attempts?: ReadonlyArray<CredentialAttempt> | undefined
  /** Set by chains: which provider is misconfigured. */
  readonly provider?: string | undefined
}> {}

/** How a provider fails: no key here (a chain tries the next one), or misconfigured (a chain stops). */
export type ProviderFailure = CredentialNotFound | CredentialMisconfigured

/**
 * A named source of API keys (`fromEnv`, `fromFile`, `fromCallback`, a `chain`...), given to a client
 * as its `credentials` option. `R` is the runtime services it needs, such as `FileSystem`.
 */
export interface CredentialProvider<R = never> {
  /** Names the source in error listings: `env:OMOPHUB_API_KEY`, `file:<path>[profile]`, `callback`. */
  readonly name: string
  /** One lookup; run again on each (re)resolution, so it should read its source afresh. */
  readonly resolve: Effect.Effect<ProvidedCredential, ProviderFailure, R>
}

/**
 * A provider from a name and a lookup, for key sources the SDK does not ship. Fail with
 * `CredentialNotFound` to let a chain try the next source, `CredentialMisconfigured` to stop it.
 */
export const makeProvider = <R>(
  name: string,
  resolve: Effect.Effect<ProvidedCredential, ProviderFailure, R>,
): CredentialProvider<R> => ({ name, resolve })

/** The attempts a failure stands for: its own list (from a chain) or one entry for the provider. */
export const attemptsOf = (
  providerName: string,
  failure: ProviderFailure,
): ReadonlyArray<CredentialAttempt> =>
  failure.attempts ?? [{ provider: providerName, reason: failure.reason }]

const describeAttempts = (attempts: ReadonlyArray<CredentialAttempt>) =>
  attempts.map((attempt) => `${attempt.provider} (${attempt.reason})`).join("; ")

/** Converts a provider failure into the SDK's public error. Contains reasons and names only. */
export const toCredentialsError = (providerName: string, failure: ProviderFailure): CredentialsError => {
  const attempts = attemptsOf(providerName, failure)
  const message =
    failure._tag === "CredentialNotFound"
      ? `No OMOPHub API key found. Tried: ${describeAttempts(attempts)}. Pass apiKey or set OMOPHUB_API_KEY.`
      : `The OMOPHub credential source ${failure.provider ?? providerName} is misconfigured: ${failure.reason}`
  return new CredentialsError({ message, attempts, retryable: false })
}

/** Runs a provider and reports what it gave and which source produced it, or a `CredentialsError`. */
export const resolveProvider = <R>(
  provider: CredentialProvider<R>,
): Effect.Effect<ProvidedCredential & { readonly source: string }, CredentialsError, R> =>
  provider.resolve.pipe(
    Effect.map((credential) => ({ ...credential, source: credential.source ?? provider.name })),
    Effect.mapError((failure) => toCredentialsError(provider.name, failure)),
  )
