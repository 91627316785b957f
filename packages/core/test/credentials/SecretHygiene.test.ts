// No failure path may reveal the key: not in the message, the error's printed forms, the Cause
// rendering, nor any log line. Each scenario puts a known secret where a careless implementation
// would echo it, then checks that no 7-character piece of it appears anywhere.
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as References from "effect/References"
import { fromCallback } from "../../src/credentials/CallbackProvider.ts"
import { makeCredentials } from "../../src/credentials/CredentialsCache.ts"
import { fromEnv } from "../../src/credentials/EnvProvider.ts"
import { fromFile } from "../../src/credentials/FileProvider.ts"
import { fromKeychain } from "../../src/credentials/KeychainProvider.ts"
import type { CredentialProvider } from "../../src/credentials/Provider.ts"
import { standardChain } from "../../src/credentials/StandardChain.ts"
import { fromValue } from "../../src/credentials/ValueProvider.ts"
import { Env } from "../../src/runtime/Env.ts"
import type { FileSystem } from "../../src/runtime/FileSystem.ts"
import type { Keychain } from "../../src/runtime/Keychain.ts"
import {
  captureLogs,
  expectNoPieceOf,
  memoryFileSystem,
  memoryKeychain,
  renderings,
  secret,
} from "./support.ts"

const path = "/home/me/.config/omophub/credentials"
let fileCount = 0
/** A scenario reading its own file (so each one gets its own once-per-path permission warning). */
const fileScenario = (name: string, content: string) => {
  const own = `/tmp/hygiene-${++fileCount}/credentials`
  return [name, fromFile({ path: own }), {}, { [own]: content }] as const
}
const withSecretInside = `${secret.slice(0, 12)}\u0007${secret.slice(12)}`

const scenarios: ReadonlyArray<
  readonly [
    string,
    CredentialProvider<Env | FileSystem | Keychain>,
    Record<string, string>,
    Record<string, string>,
  ]
> = [
  ["explicit key with a euro sign", fromValue(`${secret}€`), {}, {}],
  ["explicit key with a control character", fromValue(withSecretInside), {}, {}],
  ["env value with a control character", fromEnv(), { OMOPHUB_API_KEY: withSecretInside }, {}],
  fileScenario("file: the key pasted on a bare line", `[default]\n${secret}\n`),
  fileScenario("file: unclosed quote", `[default]\napi_key = "${secret}\n`),
  fileScenario("file: text after the quote", `[default]\napi_key = '${secret}' ${secret}\n`),
  fileScenario("file: key with an emoji", `[default]\napi_key = ${secret}😀\n`),
  fileScenario("file: key under another name", `[default]\ntoken = ${secret}\n`),
  fileScenario("file: the key as a section name", `[${secret}]\napi_key = x\n`),
  ["keychain: unusable stored value", fromKeychain(), {}, {}],
  ["callback: key with a control character", fromCallback(() => ({ key: withSecretInside })), {}, {}],
  ["callback: wrong shape", fromCallback(() => ({ apiKey: secret }) as never), {}, {}],
  [
    "callback: key with bad expiry",
    fromCallback(() => ({ key: secret, expiresAt: "tomorrow" }) as never),
    {},
    {},
  ],
  ["callback: already expired", fromCallback(() => ({ key: secret, expiresAt: -1 })), {}, {}],
  [
    "standard chain: nothing usable anywhere",
    standardChain({ keychain: true }),
    { OMOPHUB_PROFILE: "prod" },
    { [path]: `[default]\napi_key = ${secret}\n` },
  ],
]

describe("secret hygiene", () => {
  it.effect.each(scenarios)("%s", ([_, provider, env, files]) =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const runtime = Layer.mergeAll(
        Env.fromRecord(env),
        memoryFileSystem(
          Object.fromEntries(Object.entries(files).map(([p, content]) => [p, { content, mode: 0o644 }])),
          { home: "/home/me" },
        ).layer,
        memoryKeychain({ "omophub/default": `${secret}\n\u0000` }).layer,
        logs.layer,
      )
      const exit = yield* Effect.scoped(
        Effect.gen(function* () {
          const credentials = yield* makeCredentials(provider)
          return yield* Effect.exit(credentials.get)
        }),
      ).pipe(Effect.provide(runtime), Effect.provideService(References.MinimumLogLevel, "All"))
      if (!Exit.isFailure(exit)) throw new Error("expected a failure")
      const error = Cause.squash(exit.cause)
      expect((error as { _tag?: string })._tag).toBe("CredentialsError")
      // The group-readable file was warned about, so the log check below saw real output.
      if (Object.keys(files).length > 0)
        expect(logs.lines.join("\n")).toContain("accessible by group or others")
      expectNoPieceOf(secret, [...renderings(error), Cause.pretty(exit.cause), ...logs.lines])
    }),
  )

  it.effect("a resolved credential prints and logs without its key", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const credential = yield* Effect.scoped(
        Effect.gen(function* () {
          const credentials = yield* makeCredentials(fromValue(secret, { name: "option:apiKey" }))
          return yield* credentials.get
        }),
      ).pipe(Effect.provide(logs.layer), Effect.provideService(References.MinimumLogLevel, "All"))
      expect(logs.lines.join("\n")).toContain(
        `resolved from option:apiKey (fingerprint ${credential.fingerprint})`,
      )
      expectNoPieceOf(secret, [
        String(credential.key),
        JSON.stringify(credential),
        inspect(credential, { depth: 10 }),
        ...logs.lines,
      ])
    }),
  )
})
