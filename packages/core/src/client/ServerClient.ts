/**
 * What the Node, Deno and Bun adapters share: their client options, the default credential chain
 * wired to a runtime's services, and `storeApiKey`. Runtime-agnostic (only `@omophub/core` and
 * `effect`): it lives in the core so every adapter shares it without loading another runtime's modules.
 *
 * @module
 */

import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { Credentials } from "../credentials/Credentials.ts"
import { layerCredentials } from "../credentials/CredentialsCache.ts"
import { type CredentialProvider, makeProvider } from "../credentials/Provider.ts"
import { standardChain } from "../credentials/StandardChain.ts"
import { ConfigurationError } from "../Errors.ts"
import * as KyTransport from "../http/KyTransport.ts"
import { RateLimitStore } from "../http/RateLimitState.ts"
import type { RequestPipeline } from "../http/RequestPipeline.ts"
import { Env } from "../runtime/Env.ts"
import type { FileSystem } from "../runtime/FileSystem.ts"
import type { Keychain } from "../runtime/Keychain.ts"
import { type ClientOptions as CoreClientOptions, layerWith, type OmopHubClient } from "./OmopHubClient.ts"

/** The services a server runtime provides. */
export type ServerRuntime = Env | FileSystem | Keychain

/** Client options in Node, Deno and Bun: the core options, plus where the default credential chain looks. */
export interface ServerClientOptions extends Omit<CoreClientOptions, "apiKey" | "credentials"> {
  /** Used before any other source. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Credentials file profile and keychain account; else `OMOPHUB_PROFILE`, else `default`. */
  readonly profile?: string | undefined
  /** Credentials file; else `OMOPHUB_CREDENTIALS_FILE`, else `$XDG_CONFIG_HOME/omophub/credentials`, else `~/.config/omophub/credentials`. */
  readonly credentialsFile?: string | undefined
  /** Consult the OS keychain when nothing else gave a key. Default true. */
  readonly keychain?: boolean | undefined
  /**
   * Replaces the default chain, e.g. `fromCallback(...)`; may use the runtime's services
   * (`fromEnv("OTHER_VARIABLE")`, `fromFile(...)`, `chain(...)`). Not together with `apiKey`.
   */
  readonly credentials?: CredentialProvider<ServerRuntime> | undefined
}

const bothGiven = () =>
  new ConfigurationError({
    message: "Give either apiKey or credentials, not both (apiKey is already part of the default chain)",
    retryable: false,
  })

/** The provider the options ask for: theirs, or the standard chain. */
const providerFor = (options: ServerClientOptions): CredentialProvider<ServerRuntime> =>
  options.credentials ??
  standardChain({
    apiKey: options.apiKey,
    profile: options.profile,
    credentialsFile: options.credentialsFile,
    keychain: options.keychain ?? true,
  })

/** The provider with the runtime's services supplied, as the Promise client needs. */
export const provideRuntime = <R>(
  provider: CredentialProvider<R>,
  runtime: Layer.Layer<R>,
): CredentialProvider => makeProvider(provider.name, Effect.provide(provider.resolve, runtime))

/** `OMOPHUB_API_URL` through the runtime's `Env`, read now; none when unset or not readable. */
export const readApiUrl = (runtime: Layer.Layer<Env>): string | undefined =>
  Effect.runSync(
    Effect.gen(function* () {
      const env = yield* Env
      return yield* env.get("OMOPHUB_API_URL").pipe(Effect.orElseSucceed(() => Option.none<string>()))
    }).pipe(Effect.provide(runtime), Effect.map(Option.getOrUndefined)),
  )

/**
 * The core Promise client's options for these adapter options: the chosen provider with the
 * runtime's services supplied, and the base URL from `OMOPHUB_API_URL` when none is given.
 * Throws `ConfigurationError` for contradictory options.
 */
export const toCoreOptions = (
  options: ServerClientOptions,
  runtime: Layer.Layer<ServerRuntime>,
): CoreClientOptions => {
  if (options.apiKey !== undefined && options.credentials !== undefined) throw bothGiven()
  const {
    apiKey: _apiKey,
    profile: _p,
    credentialsFile: _f,
    keychain: _k,
    credentials: _c,
    ...rest
  } = options
  return {
    ...rest,
    baseUrl: rest.baseUrl ?? readApiUrl(runtime),
    credentials: provideRuntime(providerFor(options), runtime),
  }
}

/** The Effect client layer over a runtime's services: the default chain, ky over fetch, rate-limit state. */
export const serverLayer = (
  options: ServerClientOptions,
  runtime: Layer.Layer<ServerRuntime>,
): Layer.Layer<OmopHubClient | RequestPipeline, ConfigurationError> => {
  const {
    apiKey,
    profile: _p,
    credentialsFile: _f,
    keychain: _k,
    credentials,
    fetch,
    rateLimitState,
    ...config
  } = options
  const credentialsLayer =
    apiKey !== undefined && credentials !== undefined
      ? Layer.effect(Credentials, Effect.fail(bothGiven()))
      : layerCredentials(providerFor(options))
  const services = Layer.mergeAll(
    credentialsLayer,
    KyTransport.layer({ fetch }),
    rateLimitState === "isolated" ? RateLimitStore.layerMemoryIsolated : RateLimitStore.layerMemory,
  )
  // provideMerge keeps Env in the context, so the configuration reads OMOPHUB_API_URL through it.
  return layerWith(config).pipe(Layer.provide(Layer.provideMerge(services, runtime)))
}
