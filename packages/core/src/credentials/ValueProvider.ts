/**
 * A key given directly, e.g. the client's `apiKey` option.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { parseApiKey } from "./ApiKey.ts"
import { CredentialMisconfigured, type CredentialProvider, makeProvider } from "./Provider.ts"

/**
 * A provider that always yields this key. The key is validated and redacted right away; an
 * unusable one (empty, control characters, non-Latin-1) is "misconfigured": the caller asked for
 * this exact key, so falling through to another source would hide the mistake.
 */
export const fromValue = (
  key: string | Redacted.Redacted<string>,
  options?: { readonly name?: string | undefined },
): CredentialProvider => {
  const parsed = parseApiKey(Redacted.isRedacted(key) ? Redacted.value(key) : key)
  return makeProvider(
    options?.name ?? "explicit",
    Result.isSuccess(parsed)
      ? Effect.succeed({ key: parsed.success })
      : Effect.fail(new CredentialMisconfigured({ reason: parsed.failure.message })),
  )
}
