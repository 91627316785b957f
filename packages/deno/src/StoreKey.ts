/**
 * `storeApiKey` for Deno, over Deno's runtime services.
 *
 * @module
 */
import { type StoreApiKeyOptions, type StoredApiKey, storeApiKeyEffect } from "@omophub/core/server"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Redacted from "effect/Redacted"
import { RuntimeLive } from "./RuntimeLayer.ts"

/**
 * Saves the key for the default chain: `target: "keychain"` (default; service `omophub`, account
 * = profile) or `"file"` (the credentials file, mode 0600). Rejects with a `ConfigurationError`
 * (unusable key or options), `KeychainError`, `FileSystemError` or `RuntimeUnavailable`.
 */
export const storeApiKey = async (
  apiKey: string | Redacted.Redacted<string>,
  options?: StoreApiKeyOptions,
): Promise<StoredApiKey> => {
  const exit = await Effect.runPromiseExit(
    storeApiKeyEffect(apiKey, options).pipe(Effect.provide(RuntimeLive)),
  )
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
