import { createHash } from "node:crypto"
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as fc from "fast-check"
import { fingerprint, parseApiKey } from "../../src/credentials/ApiKey.ts"
import { sha256 } from "../../src/credentials/Sha256.ts"
import { expectNoPieceOf, renderings, secret } from "./support.ts"

const accepted = (raw: string) => {
  const parsed = parseApiKey(raw)
  if (Result.isFailure(parsed))
    throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${parsed.failure.message}`)
  return Redacted.value(parsed.success)
}

const rejected = (raw: string) => {
  const parsed = parseApiKey(raw)
  if (Result.isSuccess(parsed)) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`)
  return parsed.failure
}

describe("parseApiKey", () => {
  it.each([
    ["plain", secret, secret],
    ["surrounding spaces", `  ${secret}  `, secret],
    ["trailing newline from a file or pipe", `${secret}\n`, secret],
    ["CRLF and tabs", `\t${secret}\r\n`, secret],
    ["BOM and no-break space are whitespace", `\uFEFF${secret}\u00A0`, secret],
    ["Latin-1 letters", "clé_ñ_ø", "clé_ñ_ø"],
    ["inner space is kept", "ab cd", "ab cd"],
  ])("accepts %s", (_, raw, expected) => {
    expect(accepted(raw)).toBe(expected)
  })

  it.each([
    ["empty", "", undefined, 0],
    ["blank", " \t\r\n ", undefined, 0],
    ["NUL", "ab\u0000cd", 3, 5],
    ["inner newline", "ab\ncd", 3, 5],
    ["DEL", "abc\u007f", 4, 4],
    ["C1 control (NEL is not trimmed by String.trim)", "\u0085ab", 1, 3],
    ["C1 control inside", "a\u0085b", 2, 3],
    ["euro sign", "ab€", 3, 3],
    ["typographic quote", "“abc”", 1, 5],
    ["emoji counts as one character", "a😀b", 2, 3],
    ["lone surrogate", "a\uD800b", 2, 3],
  ])("rejects %s with position and length only", (_, raw, position, length) => {
    const error = rejected(raw)
    expect(error._tag).toBe("InvalidApiKey")
    expect(error.position).toBe(position)
    expect(error.length).toBe(length)
    if (position !== undefined) expect(error.message).toContain(`position ${position} of ${length}`)
    else expect(error.message).toBe("the API key is empty")
  })

  it("never repeats the key when rejecting it", () => {
    for (const raw of [
      `${secret}€`,
      `€${secret}`,
      `${secret.slice(0, 10)}\u0007${secret.slice(10)}`,
      `${secret}😀`,
    ]) {
      expectNoPieceOf(secret, renderings(rejected(raw)))
    }
  })

  it("yields a Redacted value that prints as a label only", () => {
    const parsed = parseApiKey(secret)
    if (Result.isFailure(parsed)) throw new Error("unexpected")
    const key = parsed.success
    for (const printed of [String(key), JSON.stringify({ key }), inspect(key), `${key}`]) {
      expect(printed).toContain("<redacted:OMOPHUB_API_KEY>")
      expect(printed).not.toContain("SUPERSECRET")
    }
  })

  it("property: the trimmed input, or an error sharing no run of 7+ characters with the input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string({ unit: "grapheme" }),
          fc.string(),
          fc.string({
            unit: fc.integer({ min: 0, max: 0x17f }).map((code) => String.fromCharCode(code)),
            maxLength: 40,
          }),
          // Key-like strings with one bad character somewhere: long valid runs that must not be echoed.
          fc
            .tuple(
              fc.stringMatching(/^oh_(live|test)_[A-Za-z0-9]{16,32}$/),
              fc.nat(40),
              fc.constantFrom("\u0000", "\u0007", "\n", "€", "😀", "\u201c", "\u0085"),
            )
            .map(([key, at, bad]) => key.slice(0, at) + bad + key.slice(at)),
        ),
        (raw) => {
          const parsed = parseApiKey(raw)
          if (Result.isSuccess(parsed)) return Redacted.value(parsed.success) === raw.trim()
          // The same input with every usable, non-space character replaced by "x": same length,
          // same bad characters at the same places. Its error shares the fixed wording and stack.
          const neutral = rejected(
            Array.from(raw, (c) => (/[\s\p{Cc}]/u.test(c) || c.codePointAt(0)! > 0xff ? c : "x")).join(""),
          )
          const error = parsed.failure
          // The error depends on nothing but position, length and kind of problem...
          expect(error.message).toBe(neutral.message)
          expect(JSON.stringify(error)).toBe(JSON.stringify(neutral))
          // ...so no 7-character run of the input shows up in any rendering, beyond fixed text.
          const texts = renderings(error)
          const fixed = renderings(neutral).join("\n")
          for (let start = 0; start + 7 <= raw.length; start++) {
            const piece = raw.slice(start, start + 7)
            if (!fixed.includes(piece) && texts.some((text) => text.includes(piece))) return false
          }
          return true
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe("fingerprint", () => {
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
  const key = (value: string) => Redacted.make(value)

  it.effect("is the first 16 hex characters of the key's SHA-256", () =>
    Effect.gen(function* () {
      const print = yield* fingerprint(key(secret))
      expect(print).toMatch(/^[0-9a-f]{16}$/)
      expect(print).toBe(sha256(secret).slice(0, 16))
      expectNoPieceOf(secret, [print])
    }),
  )

  it.effect("tells keys apart and is stable", () =>
    Effect.gen(function* () {
      const a = yield* fingerprint(key("oh_live_a"))
      expect(yield* fingerprint(key("oh_live_a"))).toBe(a)
      expect(yield* fingerprint(key("oh_live_b"))).not.toBe(a)
      // Non-ASCII keys are hashed as UTF-8, like every other implementation would.
      expect(yield* fingerprint(key("clé"))).toBe(sha256("clé").slice(0, 16))
    }),
  )
})

describe("sha256 (fallback where crypto.subtle is missing)", () => {
  it("matches node:crypto for any bytes, across block boundaries", () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff)
      expect(Buffer.from(sha256(bytes)).toString("hex")).toBe(
        createHash("sha256").update(bytes).digest("hex"),
      )
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(sha256(bytes)).toString("hex")).toBe(
          createHash("sha256").update(bytes).digest("hex"),
        )
      }),
      { numRuns: 200 },
    )
  })

  it.effect("fingerprint gives the same value without WebCrypto", () =>
    Effect.gen(function* () {
      const withSubtle = yield* fingerprint(Redacted.make(secret))
      const original = Object.getOwnPropertyDescriptor(globalThis, "crypto")!
      Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true })
      const withoutSubtle = yield* fingerprint(Redacted.make(secret)).pipe(
        Effect.ensuring(Effect.sync(() => Object.defineProperty(globalThis, "crypto", original))),
      )
      expect(withoutSubtle).toBe(withSubtle)
      expect(globalThis.crypto.subtle).toBeDefined()
    }),
  )
})
