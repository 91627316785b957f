import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import { fromCallback } from "../../src/credentials/CallbackProvider.ts"
import { fromEnv } from "../../src/credentials/EnvProvider.ts"
import { fromFile } from "../../src/credentials/FileProvider.ts"
import { fromKeychain } from "../../src/credentials/KeychainProvider.ts"
import type { CredentialProvider } from "../../src/credentials/Provider.ts"
import { fromValue } from "../../src/credentials/ValueProvider.ts"
import { Env } from "../../src/runtime/Env.ts"
import { RuntimeUnavailable } from "../../src/runtime/Unavailable.ts"
import { captureLogs, memoryFileSystem, memoryKeychain, secret } from "./support.ts"

/** The provider's outcome as plain data: the key's value, or the failure's tag and reason. */
interface Outcome {
  readonly found?: string
  readonly expiresAt?: number | undefined
  readonly notFound?: string
  readonly misconfigured?: string
}

const outcome = <R>(provider: CredentialProvider<R>) =>
  Effect.result(provider.resolve).pipe(
    Effect.map(
      (result): Outcome =>
        result._tag === "Success"
          ? { found: Redacted.value(result.success.key), expiresAt: result.success.expiresAt }
          : {
              [result.failure._tag === "CredentialNotFound" ? "notFound" : "misconfigured"]:
                result.failure.reason,
            },
    ),
  )

describe("fromValue", () => {
  it.effect("yields the trimmed key, redacted", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromValue(` ${secret}\n`))).toEqual({ found: secret })
      expect(yield* outcome(fromValue(Redacted.make(secret)))).toEqual({ found: secret })
      expect(fromValue(secret).name).toBe("explicit")
      expect(fromValue(secret, { name: "option:apiKey" }).name).toBe("option:apiKey")
    }),
  )

  it.effect("an unusable explicit key is misconfigured, not skipped", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromValue(""))).toEqual({ misconfigured: "the API key is empty" })
      const result = yield* outcome(fromValue(`${secret}€`))
      expect(result.misconfigured).toContain("position 27 of 27")
    }),
  )
})

describe("fromEnv", () => {
  const withEnv = (record: Record<string, string | undefined>) => Effect.provide(Env.fromRecord(record))

  it.effect("found, not set, empty, blank, other name", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromEnv()).pipe(withEnv({ OMOPHUB_API_KEY: `${secret}\n` }))).toEqual({
        found: secret,
      })
      expect(yield* outcome(fromEnv()).pipe(withEnv({}))).toEqual({ notFound: "OMOPHUB_API_KEY is not set" })
      expect(yield* outcome(fromEnv()).pipe(withEnv({ OMOPHUB_API_KEY: "" }))).toEqual({
        notFound: "OMOPHUB_API_KEY is not set",
      })
      expect(yield* outcome(fromEnv()).pipe(withEnv({ OMOPHUB_API_KEY: "  " }))).toEqual({
        notFound: "OMOPHUB_API_KEY is not set",
      })
      expect(yield* outcome(fromEnv("MY_KEY")).pipe(withEnv({ MY_KEY: secret }))).toEqual({ found: secret })
      expect(fromEnv().name).toBe("env:OMOPHUB_API_KEY")
    }),
  )

  it.effect("a value that cannot be a key is misconfigured", () =>
    Effect.gen(function* () {
      const result = yield* outcome(fromEnv()).pipe(withEnv({ OMOPHUB_API_KEY: `"${secret}"\u201d` }))
      expect(result.misconfigured).toMatch(/^OMOPHUB_API_KEY: .*position 29 of 29/)
    }),
  )

  it.effect("an environment the runtime cannot read is not found", () =>
    outcome(fromEnv()).pipe(
      Effect.provideService(Env, {
        get: () => Effect.fail(new RuntimeUnavailable({ capability: "env", reason: "no --allow-env" })),
      }),
      Effect.map((result) => expect(result).toEqual({ notFound: "environment unavailable: no --allow-env" })),
    ),
  )
})

describe("fromFile", () => {
  const path = "/home/me/.config/omophub/credentials"
  const file = `# mine\n[default]\napi_key = ${secret}\n\n[profile staging]\nomophub_api_key = "oh_staging"\n[empty]\nregion = eu\n[blank]\napi_key =\n[bad]\napi_key = ${secret}€\n`
  const withFiles = (
    files: Parameters<typeof memoryFileSystem>[0],
    options?: Parameters<typeof memoryFileSystem>[1],
  ) => Effect.provide(memoryFileSystem(files, options).layer)

  it.effect("found: default and named profiles, api_key or omophub_api_key", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromFile({ path })).pipe(withFiles({ [path]: file }))).toEqual({ found: secret })
      expect(
        yield* outcome(fromFile({ path, profile: "staging" })).pipe(withFiles({ [path]: file })),
      ).toEqual({
        found: "oh_staging",
      })
      expect(fromFile({ path, profile: "staging" }).name).toBe(`file:${path}[staging]`)
    }),
  )

  it.effect("not found: missing file, missing profile, no file system", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromFile({ path })).pipe(withFiles({}))).toEqual({
        notFound: "the file does not exist",
      })
      expect(yield* outcome(fromFile({ path, profile: "prod" })).pipe(withFiles({ [path]: file }))).toEqual({
        notFound: "no [prod] profile (the file has 5 other profiles)",
      })
      expect(yield* outcome(fromFile({ path })).pipe(withFiles({}, { unavailable: true }))).toEqual({
        notFound: "file system unavailable: not in this test",
      })
    }),
  )

  it.effect("misconfigured: named file missing, unreadable, unparsable, no key, empty or bad key", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromFile({ path, mustExist: true })).pipe(withFiles({}))).toEqual({
        misconfigured: "the file does not exist",
      })
      expect(
        yield* outcome(fromFile({ path })).pipe(
          withFiles({ [path]: { content: "", readError: "permission denied" } }),
        ),
      ).toEqual({ misconfigured: "cannot read the file: permission denied" })
      expect(
        yield* outcome(fromFile({ path })).pipe(withFiles({ [path]: `[default]\n${secret}\n` })),
      ).toEqual({
        misconfigured: "line 2: the line is not a [section], a name = value setting or a comment",
      })
      const at = (profile: string) => outcome(fromFile({ path, profile })).pipe(withFiles({ [path]: file }))
      expect(yield* at("empty")).toEqual({
        misconfigured: "the [empty] profile (line 7) has no api_key setting",
      })
      expect(yield* at("blank")).toEqual({ misconfigured: "line 10: the API key is empty" })
      expect((yield* at("bad")).misconfigured).toMatch(/^line 12: .*position 27 of 27/)
    }),
  )

  it.effect("warns once per path when group or others can read the file, naming path and mode only", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const exposed = "/tmp/exposed-credentials"
      const exposedToo = "/tmp/exposed-credentials-2"
      const files = {
        [exposed]: { content: file, mode: 0o644 },
        [exposedToo]: { content: file, mode: 0o640 },
        "/tmp/private": { content: file, mode: 0o600 },
      }
      const lookup = (p: string) =>
        outcome(fromFile({ path: p })).pipe(withFiles(files), Effect.provide(logs.layer))
      for (let i = 0; i < 3; i++) expect(yield* lookup(exposed)).toEqual({ found: secret })
      yield* lookup(exposedToo)
      yield* lookup("/tmp/private")
      expect(logs.lines).toHaveLength(2)
      expect(logs.lines[0]).toMatch(/^Warn /)
      expect(logs.lines[0]).toContain(`${exposed} is accessible by group or others (mode 0644)`)
      expect(logs.lines[1]).toContain(`${exposedToo} is accessible by group or others (mode 0640)`)
      expect(logs.lines.join("\n")).not.toContain("SUPERSECRET")
    }),
  )

  it.effect("does not check modes where the platform has none", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const windowsPath = "C:\\Users\\me\\.config\\omophub\\credentials"
      yield* outcome(fromFile({ path: windowsPath })).pipe(
        withFiles({ [windowsPath]: { content: file, mode: 0o666 } }, { posix: false }),
        Effect.provide(logs.layer),
      )
      expect(logs.lines).toEqual([])
    }),
  )
})

describe("fromKeychain", () => {
  const withKeychain = (entries: Record<string, string>, options?: Parameters<typeof memoryKeychain>[1]) =>
    Effect.provide(memoryKeychain(entries, options).layer)

  it.effect("found, absent, unavailable, refused, unusable", () =>
    Effect.gen(function* () {
      const entries = { "omophub/default": `${secret}\n`, "omophub/bad": "a\u0000b" }
      expect(yield* outcome(fromKeychain()).pipe(withKeychain(entries))).toEqual({ found: secret })
      expect(fromKeychain().name).toBe("keychain:omophub/default")
      expect(yield* outcome(fromKeychain({ account: "prod" })).pipe(withKeychain(entries))).toEqual({
        notFound: "no such entry",
      })
      expect(yield* outcome(fromKeychain()).pipe(withKeychain(entries, { unavailable: true }))).toEqual({
        notFound: "keychain unavailable: no secret service",
      })
      expect(yield* outcome(fromKeychain()).pipe(withKeychain(entries, { refuse: true }))).toEqual({
        notFound: "keychain refused: locked",
      })
      expect(
        (yield* outcome(fromKeychain({ account: "bad" })).pipe(withKeychain(entries))).misconfigured,
      ).toMatch(/^the stored entry: .*position 2 of 3/)
    }),
  )
})

describe("fromCallback", () => {
  it.effect("accepts a string, { key }, { token } and expiry as number or Date", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromCallback(() => secret))).toEqual({ found: secret })
      expect(yield* outcome(fromCallback(async () => ({ key: secret, expiresAt: 5000 })))).toEqual({
        found: secret,
        expiresAt: 5000,
      })
      expect(
        yield* outcome(fromCallback(async () => ({ token: secret, expiresAt: new Date(7000) }))),
      ).toEqual({
        found: secret,
        expiresAt: 7000,
      })
    }),
  )

  it.effect("null or undefined is not found", () =>
    Effect.gen(function* () {
      expect(yield* outcome(fromCallback(() => null))).toEqual({ notFound: "the callback returned no key" })
      expect(yield* outcome(fromCallback(async () => undefined))).toEqual({
        notFound: "the callback returned no key",
      })
    }),
  )

  it.effect(
    "a throw, a rejection or a wrong shape is misconfigured and never quotes the returned value",
    () =>
      Effect.gen(function* () {
        expect(
          yield* outcome(
            fromCallback(() => {
              throw new TypeError("backend said 503")
            }),
          ),
        ).toEqual({ misconfigured: "the callback failed: TypeError: backend said 503" })
        expect(yield* outcome(fromCallback(() => Promise.reject("boom")))).toEqual({
          misconfigured: "the callback failed: it threw a non-Error value",
        })
        const wrong = [{ apiKey: secret }, 42, { key: 42, token: secret }, { key: `${secret}\n\u0007x` }]
        for (const value of wrong) {
          const result = yield* outcome(fromCallback(() => value as never))
          expect(result.misconfigured).toBeDefined()
          expect(JSON.stringify(result)).not.toContain("SUPERSECRET")
        }
        expect(yield* outcome(fromCallback(() => ({ key: secret, expiresAt: Number.NaN })))).toEqual({
          misconfigured: "the callback's expiresAt must be epoch milliseconds or a valid Date",
        })
        expect(yield* outcome(fromCallback(() => ({ key: secret, expiresAt: new Date("nope") })))).toEqual({
          misconfigured: "the callback's expiresAt must be epoch milliseconds or a valid Date",
        })
      }),
  )

  it.live("aborts the callback's signal when the lookup is interrupted", () =>
    Effect.gen(function* () {
      let seen: AbortSignal | undefined
      const provider = fromCallback(
        ({ signal }) =>
          new Promise<string>(() => {
            seen = signal
          }),
      )
      const fiber = yield* Effect.forkChild(provider.resolve)
      yield* Effect.sleep(5)
      expect(seen?.aborted).toBe(false)
      const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
      expect(Exit.hasInterrupts(exit)).toBe(true)
      expect(seen?.aborted).toBe(true)
    }),
  )
})
