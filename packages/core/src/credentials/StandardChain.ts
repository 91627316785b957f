/**
 * The standard lookup order, the same in every runtime that has the services it needs:
 * explicit `apiKey` option -> `OMOPHUB_API_KEY` -> credentials file profile -> OS keychain ->
 * the app's callback. Adapters pick which variant fits their runtime; the types make a provider
 * that needs `FileSystem` or `Keychain` impossible to run where those services are absent.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { Env, type EnvShape } from "../runtime/Env.ts"
import { FileSystem } from "../runtime/FileSystem.ts"
import type { Keychain } from "../runtime/Keychain.ts"
import { type CredentialsCallback, fromCallback } from "./CallbackProvider.ts"
import { chain } from "./Chain.ts"
import { fromEnv } from "./EnvProvider.ts"
import { fromFile } from "./FileProvider.ts"
import { fromKeychain } from "./KeychainProvider.ts"
import { CredentialNotFound, type CredentialProvider, makeProvider } from "./Provider.ts"
import { fromValue } from "./ValueProvider.ts"

/** Options of `standardChain`; each one only changes where its own step looks. */
export interface StandardChainOptions {
  /** Used before anything else; an unusable value stops the lookup instead of falling through. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Profile of the credentials file and keychain account; else `OMOPHUB_PROFILE`, else `default`. */
  readonly profile?: string | undefined
  /** Credentials file path; else `OMOPHUB_CREDENTIALS_FILE`, else the XDG location. */
  readonly credentialsFile?: string | undefined
  /** Consult the OS keychain (requires the `Keychain` service). Default false. */
  readonly keychain?: boolean | undefined
  /** Last resort, e.g. a token from the app's backend. */
  readonly callback?: CredentialsCallback | undefined
}

/** `Keychain` is required unless `keychain` is absent or known to be off. */
export type KeychainFor<O extends StandardChainOptions> = "keychain" extends keyof O
  ? [O["keychain"]] extends [false | undefined]
    ? never
    : Keychain
  : never

/** Where the credentials file is, and whether the user named it (then a missing file is an error). */
export interface CredentialsFileLocation {
  readonly path: string
  readonly explicit: boolean
}

// The Env contract already treats "" as unset; blank values are unset here too.
const readVariable = (env: EnvShape, name: string) =>
  env.get(name).pipe(
    Effect.map(Option.filter((value) => value.trim() !== "")),
    Effect.map(Option.map((value) => value.trim())),
    Effect.orElseSucceed(() => Option.none<string>()),
  )

const isAbsolute = (path: string) => /^(\/|\\\\|[A-Za-z]:[\\/])/.test(path)

const joinPath = (base: string, ...parts: ReadonlyArray<string>) =>
  [base.replace(/[\\/]+$/, ""), ...parts].join("/")

const nonBlank = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? Option.none<string>() : Option.some(value.trim())

/**
 * The credentials file to use: the `credentialsFile` option, else `OMOPHUB_CREDENTIALS_FILE`
 * (a leading `~/` is expanded), else `$XDG_CONFIG_HOME/omophub/credentials`, else
 * `<home>/.config/omophub/credentials`. None when there is no home directory to look in.
 */
export const credentialsFileLocation = (options?: {
  readonly credentialsFile?: string | undefined
}): Effect.Effect<Option.Option<CredentialsFileLocation>, never, Env | FileSystem> =>
  Effect.gen(function* () {
    const env = yield* Env
    const fs = yield* FileSystem
    const home = yield* fs.homeDirectory.pipe(Effect.orElseSucceed(() => Option.none<string>()))
    const named = nonBlank(options?.credentialsFile)
    const explicit = Option.isSome(named) ? named : yield* readVariable(env, "OMOPHUB_CREDENTIALS_FILE")
    if (Option.isSome(explicit)) {
      const path = explicit.value
      const expanded =
        /^~[\\/]/.test(path) && Option.isSome(home) ? joinPath(home.value, path.slice(2)) : path
      return Option.some({ path: expanded, explicit: true })
    }
    const xdg = Option.filter(yield* readVariable(env, "XDG_CONFIG_HOME"), isAbsolute)
    const configHome = Option.isSome(xdg) ? xdg : Option.map(home, (dir) => joinPath(dir, ".config"))
    return Option.map(configHome, (dir) => ({
      path: joinPath(dir, "omophub", "credentials"),
      explicit: false,
    }))
  })

/**
 * The standard chain for runtimes with an environment and a file system (Node, Deno, Bun):
 * explicit option -> `OMOPHUB_API_KEY` -> credentials file -> keychain (when enabled: account =
 * profile, then the R SDK's `omophub`/`api_key` entry for the default profile) -> callback.
 * Locations and profile are read on each lookup, not when the chain is built.
 *
 * @example
 * ```ts
 * // OMOPHUB_API_KEY, then the "staging" profile of the credentials file, then the OS keychain
 * const credentials = standardChain({ profile: "staging", keychain: true })
 * ```
 */
export const standardChain = <const O extends StandardChainOptions = {}>(
  options?: O,
): CredentialProvider<Env | FileSystem | KeychainFor<O>> =>
  makeProvider(
    "standard chain",
    Effect.gen(function* () {
      const env = yield* Env
      const profileOption = nonBlank(options?.profile)
      const profile = Option.isSome(profileOption)
        ? profileOption.value
        : Option.getOrElse(yield* readVariable(env, "OMOPHUB_PROFILE"), () => "default")
      const location = yield* credentialsFileLocation(options)
      const providers: Array<CredentialProvider<Env | FileSystem | Keychain>> = []
      if (options?.apiKey !== undefined) providers.push(fromValue(options.apiKey, { name: "option:apiKey" }))
      providers.push(fromEnv("OMOPHUB_API_KEY"))
      providers.push(
        Option.isSome(location)
          ? fromFile({ path: location.value.path, profile, mustExist: location.value.explicit })
          : makeProvider(
              "file",
              Effect.fail(
                new CredentialNotFound({ reason: "no home directory to find the credentials file in" }),
              ),
            ),
      )
      if (options?.keychain === true) {
        providers.push(fromKeychain({ service: "omophub", account: profile }))
        // The entry the official R SDK stores; only for the default profile, so that asking for
        // another profile never silently yields the R SDK's key.
        if (profile === "default") providers.push(fromKeychain({ service: "omophub", account: "api_key" }))
      }
      if (options?.callback !== undefined) providers.push(fromCallback(options.callback))
      return yield* chain(...providers).resolve
    }),
  ) as CredentialProvider<Env | FileSystem | KeychainFor<O>>

/** For browsers (no environment, files or keychain): explicit option -> callback. */
export const browserChain = (options?: {
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly callback?: CredentialsCallback | undefined
}): CredentialProvider => {
  const providers: Array<CredentialProvider> = []
  if (options?.apiKey !== undefined) providers.push(fromValue(options.apiKey, { name: "option:apiKey" }))
  if (options?.callback !== undefined) providers.push(fromCallback(options.callback))
  return providers.length > 0
    ? chain(...providers)
    : makeProvider(
        "browser",
        Effect.fail(
          new CredentialNotFound({
            reason:
              "neither an apiKey nor a callback option was given (a browser has no environment, file or keychain)",
          }),
        ),
      )
}
