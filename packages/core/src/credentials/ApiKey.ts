/**
 * Turns a raw API key string into a `Redacted` value the moment it is read, and derives a short
 * fingerprint that is safe to log. A key is sent in an HTTP header, so it must be non-empty and
 * contain only Latin-1 characters that are not control characters.
 *
 * @module
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { sha256 } from "./Sha256.ts"

/** The label every API key carries, so printing one shows `<redacted:OMOPHUB_API_KEY>`. */
export const apiKeyLabel = "OMOPHUB_API_KEY"

/** A raw key cannot be used. The message gives only a position and the key's length, never content. */
export class InvalidApiKey extends Data.TaggedError("InvalidApiKey")<{
  readonly message: string
  /** 1-based position (in characters, after trimming) of the first unusable character. */
  readonly position?: number | undefined
  /** Length of the trimmed key in characters. */
  readonly length: number
}> {}

// C0 controls, DEL and C1 controls: never valid in a header value.
const isControl = (codePoint: number) => codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)

/**
 * Trims surrounding whitespace and checks that the key can go in an HTTP header. On success the
 * key is wrapped in `Redacted` immediately; the raw string is not kept anywhere else.
 */
export const parseApiKey = (raw: string): Result.Result<Redacted.Redacted<string>, InvalidApiKey> => {
  const trimmed = raw.trim()
  const characters = Array.from(trimmed)
  if (characters.length === 0) {
    return Result.fail(new InvalidApiKey({ message: "the API key is empty", length: 0 }))
  }
  for (let index = 0; index < characters.length; index++) {
    const codePoint = characters[index]!.codePointAt(0)!
    const problem = isControl(codePoint)
      ? "a control character"
      : codePoint > 0xff
        ? "outside Latin-1 (for example a typographic quote or an emoji)"
        : undefined
    if (problem !== undefined) {
      return Result.fail(
        new InvalidApiKey({
          message: `the API key cannot be sent in an HTTP header: the character at position ${index + 1} of ${characters.length} is ${problem}`,
          position: index + 1,
          length: characters.length,
        }),
      )
    }
  }
  return Result.succeed(Redacted.make(trimmed, { label: apiKeyLabel }))
}

/** Number of hex characters kept from the SHA-256 digest: enough to tell keys apart, useless to recover one. */
const fingerprintLength = 16

// WebCrypto everywhere it exists; the plain-JS digest only where `crypto.subtle` is missing
// (a browser page served over plain HTTP), so fingerprints are the same in every runtime.
const digest = (bytes: Uint8Array<ArrayBuffer>): Effect.Effect<Uint8Array> => {
  const subtle = globalThis.crypto?.subtle
  return subtle === undefined
    ? Effect.sync(() => sha256(bytes))
    : Effect.promise(() => subtle.digest("SHA-256", bytes)).pipe(
        Effect.map((buffer) => new Uint8Array(buffer)),
      )
}

/**
 * A short, non-reversible identifier of the key: the first 16 hex characters of the SHA-256 of
 * its UTF-8 bytes. Safe for logs and cache keys.
 */
export const fingerprint = (key: Redacted.Redacted<string>): Effect.Effect<string> =>
  digest(new TextEncoder().encode(Redacted.value(key))).pipe(
    Effect.map((bytes) =>
      Array.from(bytes.subarray(0, fingerprintLength / 2), (byte) => byte.toString(16).padStart(2, "0")).join(
        "",
      ),
    ),
  )
