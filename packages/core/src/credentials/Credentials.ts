/**
 * The resolved API key as the request pipeline sees it: cached, refreshed before expiry with one
 * lookup in flight at a time, and invalidated when the server rejects it (key rotation).
 *
 * @module
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type { CredentialsError } from "../Errors.ts"

/** The API key the pipeline sends, with what it needs to log, cache and refresh it safely. */
export interface ResolvedCredential {
  /** The key itself, redacted so it never shows up when logged or printed. */
  readonly key: Redacted.Redacted<string>
  /** A short, non-reversible identifier of the key (truncated SHA-256), safe for logs and cache keys. */
  readonly fingerprint: string
  /** Which provider produced it, e.g. `env:OMOPHUB_API_KEY` or `file:/home/me/.config/omophub/credentials[staging]`. */
  readonly source: string
  /** Epoch milliseconds after which the credential must not be used, for expiring tokens. */
  readonly expiresAt?: number | undefined
}

/** What the `Credentials` service offers. */
export interface CredentialsShape {
  /** The current credential, resolving (once, however many callers wait) when none is cached or it is about to expire. */
  readonly get: Effect.Effect<ResolvedCredential, CredentialsError>
  /**
   * Forget the cached credential if it is still the one with this fingerprint, so the next `get`
   * resolves again. Called once when the server answers `invalid_api_key`.
   */
  readonly invalidate: (fingerprint: string) => Effect.Effect<void>
}

/**
 * The service the request pipeline asks for the current key. `layerCredentials(provider)` builds it
 * from a provider; supply your own layer to take over caching and refresh entirely.
 */
export class Credentials extends Context.Service<Credentials, CredentialsShape>()(
  "@omophub/core/Credentials",
) {}
