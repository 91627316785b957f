/**
 * A key or short-lived token from the application's own function, e.g. one that asks the app's
 * backend for a token (the only sensible source in a browser).
 *
 * @module
 */

import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { redactSecrets } from "../Redaction.ts"
import { parseApiKey } from "./ApiKey.ts"
import {
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
  type ProvidedCredential,
} from "./Provider.ts"

/** What a credentials callback may return. `null`/`undefined` means "no key here, try the next source". */
export type CallbackCredential =
  | string
  | { readonly key: string; readonly expiresAt?: number | Date | undefined }
  | { readonly token: string; readonly expiresAt?: number | Date | undefined }
  | null
  | undefined

/** The callback receives a signal that is aborted when the lookup is interrupted. */
export type CredentialsCallback = (context: {
  readonly signal: AbortSignal
}) => CallbackCredential | PromiseLike<CallbackCredential>

/** Name and message of a thrown value; the callback's own words, never its return value. */
// The app's own message may quote what its secret store returned, so it is redacted too.
const describeThrown = (thrown: unknown) =>
  thrown instanceof Error ? redactSecrets(`${thrown.name}: ${thrown.message}`) : "it threw a non-Error value"

const misconfigured = (reason: string) => new CredentialMisconfigured({ reason })

const toEpochMillis = (expiresAt: unknown): Result.Result<number | undefined, string> => {
  if (expiresAt === undefined) return Result.succeed(undefined)
  const millis = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt
  return typeof millis === "number" && Number.isFinite(millis)
    ? Result.succeed(millis)
    : Result.fail("expiresAt must be epoch milliseconds or a valid Date")
}

// Described by shape only: the returned value may be the key itself.
const interpret = (
  returned: unknown,
): Effect.Effect<ProvidedCredential, CredentialNotFound | CredentialMisconfigured> => {
  if (returned === null || returned === undefined) {
    return Effect.fail(new CredentialNotFound({ reason: "the callback returned no key" }))
  }
  const record = typeof returned === "object" ? (returned as Record<string, unknown>) : undefined
  const raw = record === undefined ? returned : (record.key ?? record.token)
  if (typeof raw !== "string") {
    return Effect.fail(
      misconfigured("the callback must return a string, or an object with a string key or token"),
    )
  }
  const key = parseApiKey(raw)
  if (Result.isFailure(key)) return Effect.fail(misconfigured(`the callback's key: ${key.failure.message}`))
  const expiresAt = toEpochMillis(record?.expiresAt)
  if (Result.isFailure(expiresAt)) return Effect.fail(misconfigured(`the callback's ${expiresAt.failure}`))
  return Effect.succeed({ key: key.success, expiresAt: expiresAt.success })
}

/**
 * Calls `callback` on each lookup (the credentials cache decides how often). A throw or rejection
 * is "misconfigured" and stops a chain; its reason quotes the error's message, never a returned value.
 *
 * @example
 * ```ts
 * // A short-lived token from your backend; the client asks again shortly before `expiresAt`.
 * const credentials = fromCallback(async ({ signal }) => {
 *   const response = await fetch("/api/omophub-token", { signal })
 *   if (!response.ok) throw new Error(`token endpoint answered ${response.status}`)
 *   return (await response.json()) as { token: string; expiresAt: number }
 * })
 * ```
 */
export const fromCallback = (
  callback: CredentialsCallback,
  options?: { readonly name?: string | undefined },
): CredentialProvider =>
  makeProvider(
    options?.name ?? "callback",
    Effect.tryPromise({
      try: async (signal) => await callback({ signal }),
      catch: (thrown) => misconfigured(`the callback failed: ${describeThrown(thrown)}`),
    }).pipe(Effect.flatMap(interpret)),
  )
