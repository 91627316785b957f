/**
 * The Effect API: an `OmopHubClient` service whose methods return Effects failing with the typed
 * `OmopHubError` union, and layers that assemble it from configuration, credentials, a transport and
 * the rate-limit store.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Credentials } from "../credentials/Credentials.ts"
import { layerCredentials } from "../credentials/CredentialsCache.ts"
import type { CredentialProvider } from "../credentials/Provider.ts"
import { fromValue } from "../credentials/ValueProvider.ts"
import { ConfigurationError, type CredentialsError } from "../Errors.ts"
import { ClientConfig, type ClientConfigOptions } from "../http/Config.ts"
import * as KyTransport from "../http/KyTransport.ts"
import { type RateLimitSnapshot, RateLimitStore } from "../http/RateLimitState.ts"
import { RequestPipeline } from "../http/RequestPipeline.ts"
import * as Concepts from "../resources/Concepts.ts"
import * as Domains from "../resources/Domains.ts"
import * as Fhir from "../resources/Fhir.ts"
import * as Hierarchy from "../resources/Hierarchy.ts"
import * as Mappings from "../resources/Mappings.ts"
import type { AnyMethod } from "../resources/Operation.ts"
import * as Relationships from "../resources/Relationships.ts"
import * as Search from "../resources/Search.ts"
import * as Vocabularies from "../resources/Vocabularies.ts"
import type { HttpTransport } from "../runtime/HttpTransport.ts"
import { batchConceptGet, batchFhirResolve, batchMappingMap } from "./Batching.ts"
import { type BoundMethod, bindEffect, type EffectMethods } from "./Bind.ts"
import type {
  ConceptsEffectApi,
  DomainsEffectApi,
  FhirEffectApi,
  HierarchyEffectApi,
  MappingsEffectApi,
  RelationshipsEffectApi,
  SearchEffectApi,
  VocabulariesEffectApi,
} from "./PromiseApis.ts"

/** Every resource's methods; adding an endpoint means adding it to its resource's `methods`. */
export const resources = {
  concepts: Concepts.methods,
  search: Search.methods,
  vocabularies: Vocabularies.methods,
  domains: Domains.methods,
  hierarchy: Hierarchy.methods,
  relationships: Relationships.methods,
  mappings: Mappings.methods,
  fhir: Fhir.methods,
}

/** The type of `resources`: each resource's method descriptors, from which both clients' methods are typed. */
export type Resources = typeof resources

/** What the `OmopHubClient` service offers: one named API per resource, plus the key's rate-limit state. */
export interface OmopHubClientShape {
  /** Concept endpoints. */
  readonly concepts: ConceptsEffectApi
  /** Search endpoints. */
  readonly search: SearchEffectApi
  /** Vocabulary endpoints. */
  readonly vocabularies: VocabulariesEffectApi
  /** Domain endpoints. */
  readonly domains: DomainsEffectApi
  /** Hierarchy endpoints. */
  readonly hierarchy: HierarchyEffectApi
  /** Relationship endpoints. */
  readonly relationships: RelationshipsEffectApi
  /** Mapping endpoints. */
  readonly mappings: MappingsEffectApi
  /** FHIR resolution endpoints. */
  readonly fhir: FhirEffectApi
  /** Rate-limit state of the client's key. */
  readonly rateLimit: {
    /** What the server last reported for the current key (after local bookkeeping), if anything. */
    readonly current: Effect.Effect<Option.Option<RateLimitSnapshot>, CredentialsError>
    /** The latest snapshot and every change for the current key (the key at subscription time). */
    readonly changes: Stream.Stream<RateLimitSnapshot, CredentialsError>
  }
}

/**
 * The Effect API's client service. Get it with `yield* OmopHubClient` and provide it with `layer`
 * (or a runtime package's `layer`); every method returns an Effect whose failures are typed
 * `OmopHubError` values.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const client = yield* OmopHubClient
 *   return yield* client.concepts.get(201826)
 * })
 * const concept = await Effect.runPromise(program.pipe(Effect.provide(layer({ apiKey: "oh_..." }))))
 * ```
 */
export class OmopHubClient extends Context.Service<OmopHubClient, OmopHubClientShape>()(
  "@omophub/core/OmopHubClient",
) {
  /** The complete client (see {@link layer}). */
  static layer<R = never>(
    options: ClientOptions<R>,
  ): Layer.Layer<OmopHubClient | RequestPipeline, ConfigurationError, R> {
    return layer(options)
  }

  /** The client over caller-supplied credentials, transport and rate-limit store (see {@link layerWith}). */
  static layerWith(
    options: ClientConfigOptions = {},
  ): Layer.Layer<
    OmopHubClient | RequestPipeline,
    ConfigurationError,
    Credentials | HttpTransport | RateLimitStore
  > {
    return layerWith(options)
  }
}

/** Builds the client from a pipeline (the resources are descriptors handed to it). */
export const make: Effect.Effect<
  OmopHubClientShape,
  never,
  RequestPipeline | Credentials | RateLimitStore | ClientConfig
> = Effect.gen(function* () {
  const pipeline = yield* RequestPipeline
  const credentials = yield* Credentials
  const store = yield* RateLimitStore
  const config = yield* ClientConfig
  const overrides: Partial<Record<keyof Resources, Record<string, BoundMethod>>> = {}
  if (config.batching.enabled) {
    const plain = (methods: Record<string, AnyMethod>, name: string) =>
      (bindEffect(pipeline, methods) as unknown as Record<string, BoundMethod>)[name]!
    overrides.concepts = {
      get: batchConceptGet(pipeline, plain(Concepts.methods, "get"), config.batching),
    }
    overrides.mappings = {
      map: batchMappingMap(pipeline, plain(Mappings.methods, "map"), config.batching),
    }
    overrides.fhir = {
      resolve: batchFhirResolve(pipeline, plain(Fhir.methods, "resolve"), config.batching),
    }
  }
  const bound = Object.fromEntries(
    Object.entries(resources).map(([name, methods]) => [
      name,
      bindEffect(pipeline, methods, overrides[name as keyof Resources]),
    ]),
  ) as { readonly [K in keyof Resources]: EffectMethods<Resources[K]> }
  return OmopHubClient.of({
    ...bound,
    rateLimit: {
      current: Effect.flatMap(credentials.get, (credential) => store.get(credential.fingerprint)),
      changes: Stream.unwrap(
        Effect.map(credentials.get, (credential) => store.changes(credential.fingerprint)),
      ),
    },
  })
})

/**
 * The client over services supplied by the caller (runtime adapters supply `Credentials` with their
 * default chain, `HttpTransport` and `RateLimitStore`). Reads `OMOPHUB_API_URL` when an `Env` is provided.
 */
export const layerWith = (
  options: ClientConfigOptions = {},
): Layer.Layer<
  OmopHubClient | RequestPipeline,
  ConfigurationError,
  Credentials | HttpTransport | RateLimitStore
> =>
  Layer.effect(OmopHubClient, make).pipe(
    Layer.provideMerge(RequestPipeline.layer),
    Layer.provide(ClientConfig.layer(options)),
  )

/** Options of `layer` and `createClient`: the key source, plus the configuration of `ClientConfigOptions`. */
export interface ClientOptions<R = never> extends ClientConfigOptions {
  /** The API key. Give this or `credentials`. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Where keys come from (`fromCallback`, `fromEnv`, a chain...). Give this or `apiKey`. */
  readonly credentials?: CredentialProvider<R> | undefined
  /** The fetch the transport uses (default `globalThis.fetch`). */
  readonly fetch?: KyTransport.FetchFunction | undefined
  /**
   * `shared` (default): rate-limit state is shared with every client of this process using the same
   * key. `isolated`: this client keeps its own.
   */
  readonly rateLimitState?: "shared" | "isolated" | undefined
}

const credentialsLayer = <R>(options: ClientOptions<R>): Layer.Layer<Credentials, ConfigurationError, R> => {
  if (options.apiKey !== undefined && options.credentials !== undefined) {
    return Layer.effect(
      Credentials,
      Effect.fail(
        new ConfigurationError({ message: "Give either apiKey or credentials, not both", retryable: false }),
      ),
    )
  }
  if (options.apiKey !== undefined) return layerCredentials(fromValue(options.apiKey))
  if (options.credentials !== undefined) return layerCredentials(options.credentials)
  return Layer.effect(
    Credentials,
    Effect.fail(
      new ConfigurationError({
        message:
          "No API key source: pass apiKey or a credentials provider (the runtime packages add default chains)",
        retryable: false,
      }),
    ),
  )
}

/**
 * The complete client: explicit key or provider, ky over fetch, in-memory rate-limit state. Bad
 * options fail the layer with a `ConfigurationError` before any request.
 *
 * @example
 * ```ts
 * const ClientLive = layer({ apiKey: process.env.OMOPHUB_API_KEY ?? "", timeoutMs: 10_000 })
 * const program = Effect.gen(function* () {
 *   const client = yield* OmopHubClient
 *   return yield* client.search.basic("aspirin", { vocabularyIds: ["RxNorm"] })
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(ClientLive)))
 * ```
 */
export const layer = <R = never>(
  options: ClientOptions<R>,
): Layer.Layer<OmopHubClient | RequestPipeline, ConfigurationError, R> =>
  layerWith(options).pipe(
    Layer.provide(
      Layer.mergeAll(
        credentialsLayer(options),
        KyTransport.layer({ fetch: options.fetch }),
        options.rateLimitState === "isolated"
          ? RateLimitStore.layerMemoryIsolated
          : RateLimitStore.layerMemory,
      ),
    ),
  )
