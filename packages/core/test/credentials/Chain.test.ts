import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { fromCallback } from "../../src/credentials/CallbackProvider.ts"
import { chain } from "../../src/credentials/Chain.ts"
import { fromEnv } from "../../src/credentials/EnvProvider.ts"
import { type CredentialProvider, resolveProvider } from "../../src/credentials/Provider.ts"
import { browserChain, standardChain } from "../../src/credentials/StandardChain.ts"
import { fromValue } from "../../src/credentials/ValueProvider.ts"
import { Env } from "../../src/runtime/Env.ts"
import type { FileSystem } from "../../src/runtime/FileSystem.ts"
import { memoryFileSystem, memoryKeychain, secret } from "./support.ts"

/** A callback provider that counts its calls. */
const counted = (result: () => string | null, name: string) => {
  const calls = { count: 0 }
  const provider = fromCallback(
    () => {
      calls.count++
      return result()
    },
    { name },
  )
  return { provider, calls }
}

const resolved = <R>(provider: CredentialProvider<R>) =>
  resolveProvider(provider).pipe(Effect.map((c) => ({ key: Redacted.value(c.key), source: c.source })))

describe("chain", () => {
  it.effect("the first provider that yields wins; later ones are not consulted", () =>
    Effect.gen(function* () {
      const none = counted(() => null, "none")
      const first = counted(() => "oh_first", "first")
      const second = counted(() => "oh_second", "second")
      const result = yield* resolved(chain(none.provider, first.provider, second.provider))
      expect(result).toEqual({ key: "oh_first", source: "first" })
      expect([none.calls.count, first.calls.count, second.calls.count]).toEqual([1, 1, 0])
    }),
  )

  it.effect("a misconfigured provider stops the chain and is named", () =>
    Effect.gen(function* () {
      const after = counted(() => "oh_after", "after")
      const error = yield* Effect.flip(
        resolved(
          chain(
            counted(() => null, "none").provider,
            fromValue("", { name: "option:apiKey" }),
            after.provider,
          ),
        ),
      )
      expect(after.calls.count).toBe(0)
      expect(error._tag).toBe("CredentialsError")
      expect(error.retryable).toBe(false)
      expect(error.message).toBe(
        "The OMOPHub credential source option:apiKey is misconfigured: the API key is empty",
      )
      expect(error.attempts).toEqual([
        { provider: "none", reason: "the callback returned no key" },
        { provider: "option:apiKey", reason: "the API key is empty" },
      ])
    }),
  )

  it.effect("when nothing yields, the error lists every provider and why, nested chains flattened", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        resolved(
          chain(fromEnv(), chain(counted(() => null, "a").provider, counted(() => null, "b").provider)),
        ),
      ).pipe(Effect.provide(Env.fromRecord({})))
      expect(error.attempts).toEqual([
        { provider: "env:OMOPHUB_API_KEY", reason: "OMOPHUB_API_KEY is not set" },
        { provider: "a", reason: "the callback returned no key" },
        { provider: "b", reason: "the callback returned no key" },
      ])
      expect(error.message).toBe(
        "No OMOPHub API key found. Tried: env:OMOPHUB_API_KEY (OMOPHUB_API_KEY is not set); a (the callback returned no key); b (the callback returned no key). Pass apiKey or set OMOPHUB_API_KEY.",
      )
    }),
  )

  it.effect("an empty chain fails cleanly", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(resolved(chain()))
      expect(error.attempts).toEqual([{ provider: "chain()", reason: "the chain has no providers" }])
    }),
  )
})

describe("standardChain", () => {
  const home = "/home/me"
  const homeFile = `${home}/.config/omophub/credentials`
  const file = "[default]\napi_key = oh_file_default\n[staging]\napi_key = oh_file_staging\n"

  const services = (
    env: Record<string, string>,
    files: Record<string, string>,
    keychainEntries: Record<string, string> = {},
  ) => {
    const fs = memoryFileSystem(files, { home })
    const keychain = memoryKeychain(keychainEntries)
    return { layer: Layer.mergeAll(Env.fromRecord(env), fs.layer, keychain.layer), reads: fs.reads, keychain }
  }

  it.effect(
    "order: explicit option, then OMOPHUB_API_KEY, then the file, then the keychain, then the callback",
    () =>
      Effect.gen(function* () {
        const all = services(
          { OMOPHUB_API_KEY: "oh_env" },
          { [homeFile]: file },
          { "omophub/default": "oh_keychain" },
        )
        const callback = () => "oh_callback"
        const options = { keychain: true, callback } as const
        expect(
          yield* resolved(standardChain({ ...options, apiKey: "oh_explicit" })).pipe(
            Effect.provide(all.layer),
          ),
        ).toEqual({
          key: "oh_explicit",
          source: "option:apiKey",
        })
        expect(all.reads).toEqual([])
        expect(yield* resolved(standardChain(options)).pipe(Effect.provide(all.layer))).toEqual({
          key: "oh_env",
          source: "env:OMOPHUB_API_KEY",
        })
        expect(all.reads).toEqual([])

        const noEnv = services({}, { [homeFile]: file }, { "omophub/default": "oh_keychain" })
        expect(yield* resolved(standardChain(options)).pipe(Effect.provide(noEnv.layer))).toEqual({
          key: "oh_file_default",
          source: `file:${homeFile}[default]`,
        })
        expect(noEnv.keychain.lookups).toEqual([])

        const keychainOnly = services({}, {}, { "omophub/default": "oh_keychain" })
        expect(yield* resolved(standardChain(options)).pipe(Effect.provide(keychainOnly.layer))).toEqual({
          key: "oh_keychain",
          source: "keychain:omophub/default",
        })

        const callbackOnly = services({}, {})
        expect(yield* resolved(standardChain(options)).pipe(Effect.provide(callbackOnly.layer))).toEqual({
          key: "oh_callback",
          source: "callback",
        })
        expect(callbackOnly.keychain.lookups).toEqual(["omophub/default", "omophub/api_key"])
      }),
  )

  it.effect(
    "the profile comes from the option, else OMOPHUB_PROFILE, and selects file section and keychain account",
    () =>
      Effect.gen(function* () {
        const staging = services({ OMOPHUB_PROFILE: "staging" }, { [homeFile]: file })
        expect((yield* resolved(standardChain()).pipe(Effect.provide(staging.layer))).key).toBe(
          "oh_file_staging",
        )
        const overridden = services({ OMOPHUB_PROFILE: "staging" }, { [homeFile]: file })
        expect(
          (yield* resolved(standardChain({ profile: "default" })).pipe(Effect.provide(overridden.layer))).key,
        ).toBe("oh_file_default")
        // A non-default profile never falls back to the R SDK's omophub/api_key entry.
        const keychain = services({ OMOPHUB_PROFILE: "prod" }, {}, { "omophub/api_key": "oh_r_sdk" })
        const error = yield* Effect.flip(
          resolved(standardChain({ keychain: true })).pipe(Effect.provide(keychain.layer)),
        )
        expect(keychain.keychain.lookups).toEqual(["omophub/prod"])
        expect(error.attempts.map((a) => a.provider)).toEqual([
          "env:OMOPHUB_API_KEY",
          `file:${homeFile}[prod]`,
          "keychain:omophub/prod",
        ])
        // The default profile does.
        const rSdk = services({}, {}, { "omophub/api_key": "oh_r_sdk" })
        expect(yield* resolved(standardChain({ keychain: true })).pipe(Effect.provide(rSdk.layer))).toEqual({
          key: "oh_r_sdk",
          source: "keychain:omophub/api_key",
        })
      }),
  )

  it.effect("file location: option, OMOPHUB_CREDENTIALS_FILE (with ~/), XDG_CONFIG_HOME, home", () =>
    Effect.gen(function* () {
      const locate = (env: Record<string, string>, files: Record<string, string>, credentialsFile?: string) =>
        resolved(standardChain({ credentialsFile })).pipe(Effect.provide(services(env, files).layer))
      expect((yield* locate({}, { "/etc/omophub": file }, "/etc/omophub")).source).toBe(
        "file:/etc/omophub[default]",
      )
      expect((yield* locate({ OMOPHUB_CREDENTIALS_FILE: "/srv/creds" }, { "/srv/creds": file })).source).toBe(
        "file:/srv/creds[default]",
      )
      expect(
        (yield* locate({ OMOPHUB_CREDENTIALS_FILE: "~/creds" }, { "/home/me/creds": file })).source,
      ).toBe("file:/home/me/creds[default]")
      expect((yield* locate({ XDG_CONFIG_HOME: "/xdg/" }, { "/xdg/omophub/credentials": file })).source).toBe(
        "file:/xdg/omophub/credentials[default]",
      )
      // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
      expect((yield* locate({ XDG_CONFIG_HOME: "xdg" }, { [homeFile]: file })).source).toBe(
        `file:${homeFile}[default]`,
      )
    }),
  )

  it.effect("a named credentials file that does not exist stops the chain", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        resolved(standardChain({ keychain: true })).pipe(
          Effect.provide(
            services({ OMOPHUB_CREDENTIALS_FILE: "/nope" }, {}, { "omophub/default": "oh_k" }).layer,
          ),
        ),
      )
      expect(error.message).toBe(
        "The OMOPHub credential source file:/nope[default] is misconfigured: the file does not exist",
      )
    }),
  )

  it.effect(
    "nothing found: the error lists each source tried, and the keychain is untouched unless enabled",
    () =>
      Effect.gen(function* () {
        const empty = services({}, {})
        const error = yield* Effect.flip(resolved(standardChain()).pipe(Effect.provide(empty.layer)))
        expect(empty.keychain.lookups).toEqual([])
        expect(error.attempts).toEqual([
          { provider: "env:OMOPHUB_API_KEY", reason: "OMOPHUB_API_KEY is not set" },
          { provider: `file:${homeFile}[default]`, reason: "the file does not exist" },
        ])
        const noHome = yield* Effect.flip(
          resolved(standardChain()).pipe(
            Effect.provide(Layer.merge(Env.fromRecord({}), memoryFileSystem({}, { home: undefined }).layer)),
          ),
        )
        expect(noHome.attempts[1]).toEqual({
          provider: "file",
          reason: "no home directory to find the credentials file in",
        })
      }),
  )

  it("requires Keychain only when the keychain is enabled", () => {
    const withoutKeychain: CredentialProvider<Env | FileSystem> = standardChain({ keychain: false })
    const defaulted: CredentialProvider<Env | FileSystem> = standardChain()
    // @ts-expect-error the keychain provider needs the Keychain service
    const withKeychain: CredentialProvider<Env | FileSystem> = standardChain({ keychain: true })
    const flag = Math.random() > 2
    // @ts-expect-error a boolean that may be true needs the Keychain service too
    const maybe: CredentialProvider<Env | FileSystem> = standardChain({ keychain: flag })
    expect([withoutKeychain, defaulted, withKeychain, maybe].map((p) => p.name)).toEqual(
      Array(4).fill("standard chain"),
    )
  })
})

describe("browserChain", () => {
  it.effect("explicit option, then callback, with no runtime services needed", () =>
    Effect.gen(function* () {
      const provider: CredentialProvider<never> = browserChain({
        apiKey: "oh_explicit",
        callback: () => "oh_cb",
      })
      expect(yield* resolved(provider)).toEqual({ key: "oh_explicit", source: "option:apiKey" })
      expect(yield* resolved(browserChain({ callback: () => "oh_cb" }))).toEqual({
        key: "oh_cb",
        source: "callback",
      })
      const error = yield* Effect.flip(resolved(browserChain()))
      expect(error.attempts).toEqual([
        {
          provider: "browser",
          reason:
            "neither an apiKey nor a callback option was given (a browser has no environment, file or keychain)",
        },
      ])
    }),
  )

  it.effect("secret is never part of the listing", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(resolved(browserChain({ apiKey: `${secret}\u0000` })))
      expect(JSON.stringify(error)).not.toContain("SUPERSECRET")
    }),
  )
})
