/**
 * The Promise API for code that does not use Effect: `createClient(options)` or
 * `new OMOPHub(options)`, backed by a `ManagedRuntime` over the same layers as the Effect client.
 *
 * Errors: a failed call rejects with the same tagged error object the Effect API fails with. Every
 * SDK error is an `Error` instance (with `message` and `stack`) carrying a `_tag` such as
 * `"NotFoundError"`, so `instanceof NotFoundError`, `error._tag === "NotFoundError"` and
 * `isOmopHubError(error)` all work; no second error hierarchy to keep in sync.
 *
 * Cancellation: every method takes `{ signal }`. Aborting it interrupts the call at once (the fetch in
 * flight and any backoff wait) and the promise rejects with `signal.reason` (normally a DOMException
 * named `AbortError`), not with an SDK error: the caller asked for it.
 *
 * Paged methods also come as `<name>Iter` (an `AsyncIterable` of items), `<name>Pages` (of pages)
 * and `<name>All` (a promise of `{ items, complete, stoppedBy, pagesFetched, totalItems }`); the
 * iterables fetch one page per step, stop fetching on `break`, and reject with `signal.reason` once
 * their `signal` aborts. Calls go through the Effect client, so automatic batching and the response
 * cache work the same in both APIs.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ConfigurationError, type OmopHubError } from "../Errors.ts"
import { resolveClientConfig } from "../http/Config.ts"
import type { RateLimitSnapshot } from "../http/RateLimitState.ts"
import type { RequestPipeline } from "../http/RequestPipeline.ts"
import { type BoundMethod, bindPromise, type CallOptions, type PromiseRunner } from "./Bind.ts"
import { type ClientOptions, layer, OmopHubClient, type Resources, resources } from "./OmopHubClient.ts"
import type {
  ConceptsApi,
  DomainsApi,
  FhirApi,
  HierarchyApi,
  MappingsApi,
  RelationshipsApi,
  SearchApi,
  VocabulariesApi,
} from "./PromiseApis.ts"

export type { CallOptions }

/** Why a call on a closed client fails: a usage error, raised before any request. */
const closedError = (message: string) => new ConfigurationError({ message, retryable: false })

/**
 * The Promise client. Each resource (`concepts`, `search`, ...) has async methods that reject with
 * the SDK's tagged errors; construction throws a `ConfigurationError` for bad options. Call `close()`
 * (or use `await using`) when done.
 *
 * @example
 * ```ts
 * const client = new OMOPHub({ apiKey: process.env.OMOPHUB_API_KEY ?? "" })
 * try {
 *   const concept = await client.concepts.get(201826)
 *   console.log(concept.concept_name)
 * } finally {
 *   await client.close()
 * }
 * ```
 */
export class OMOPHub {
  #closed = false
  readonly #runtime: ManagedRuntime.ManagedRuntime<OmopHubClient | RequestPipeline, unknown>

  /** Concept endpoints: `get`, ... */
  readonly concepts: ConceptsApi
  /** Search endpoints: `basic`, ... */
  readonly search: SearchApi
  /** Vocabulary endpoints: `list`, `get`, `stats`, `concepts`, ... */
  readonly vocabularies: VocabulariesApi
  /** Domain endpoints: `list`, `concepts`. */
  readonly domains: DomainsApi
  /** Hierarchy endpoints: `get`, `ancestors`, `descendants`. */
  readonly hierarchy: HierarchyApi
  /** Relationship endpoints: `get`, `types`. */
  readonly relationships: RelationshipsApi
  /** Mapping endpoints: `get`, `map`. */
  readonly mappings: MappingsApi
  /** FHIR resolution endpoints: `resolve`, `resolveBatch`, `resolveCodeableConcept`. */
  readonly fhir: FhirApi
  /** Rate-limit state of the client's key, as learnt from response headers. */
  readonly rateLimit: {
    /** The latest snapshot, or `undefined` before any response reported one. */
    readonly current: (options?: CallOptions) => Promise<RateLimitSnapshot | undefined>
    /** The latest snapshot and each change; stop with `break` (or `return()` on the iterator). */
    readonly changes: () => AsyncIterable<RateLimitSnapshot>
  }

  /** Throws a `ConfigurationError` at once for bad options (insecure URL, no key source, ...). */
  constructor(options: ClientOptions) {
    const config = resolveClientConfig(options)
    if (config instanceof ConfigurationError) throw config
    if ((options.apiKey === undefined) === (options.credentials === undefined)) {
      throw new ConfigurationError({
        message: "Pass exactly one of apiKey or credentials (a provider such as fromCallback)",
        retryable: false,
      })
    }
    this.#runtime = ManagedRuntime.make(layer(options))
    const client = Effect.service(OmopHubClient)
    const runner =
      (resource: keyof Resources): PromiseRunner =>
      (effect, signal) =>
        this.#run(
          Effect.flatMap(client, (c) =>
            effect(c[resource] as unknown as Readonly<Record<string, BoundMethod>>),
          ),
          signal,
        )
    this.concepts = bindPromise(resources.concepts, runner("concepts"))
    this.search = bindPromise(resources.search, runner("search"))
    this.vocabularies = bindPromise(resources.vocabularies, runner("vocabularies"))
    this.domains = bindPromise(resources.domains, runner("domains"))
    this.hierarchy = bindPromise(resources.hierarchy, runner("hierarchy"))
    this.relationships = bindPromise(resources.relationships, runner("relationships"))
    this.mappings = bindPromise(resources.mappings, runner("mappings"))
    this.fhir = bindPromise(resources.fhir, runner("fhir"))
    const runtime = this.#runtime
    this.rateLimit = {
      current: (options) =>
        this.#run(
          Effect.flatMap(client, (c) => Effect.map(c.rateLimit.current, Option.getOrUndefined)),
          options?.signal,
        ),
      changes: () => ({
        [Symbol.asyncIterator]: () => {
          let inner: AsyncIterator<RateLimitSnapshot> | undefined
          const start = async () => {
            const context = await runtime.context()
            inner ??= Stream.toAsyncIterableWith(
              Stream.unwrap(Effect.map(client, (c) => c.rateLimit.changes)),
              context,
            )[Symbol.asyncIterator]()
            return inner as AsyncIterator<RateLimitSnapshot>
          }
          return {
            next: async () => (await start()).next(),
            return: async () => (inner?.return ? inner.return() : { done: true, value: undefined }),
          }
        },
      }),
    }
  }

  /** Releases the client's resources (background credential refreshes). Calls after this fail. */
  close(): Promise<void> {
    this.#closed = true
    return this.#runtime.dispose()
  }

  /** Same as `close()`, so `await using client = createClient(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #run<A>(
    effect: Effect.Effect<A, OmopHubError, OmopHubClient | RequestPipeline>,
    signal: AbortSignal | undefined,
  ): Promise<A> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#closed) return Promise.reject(closedError("This client is closed; create a new one"))
    return this.#runtime.runPromiseExit(effect, signal === undefined ? undefined : { signal }).then(
      (exit) => {
        if (Exit.isSuccess(exit)) return exit.value
        if (signal?.aborted) throw signal.reason
        // Interrupted without the caller's signal: `close()` ended the call.
        if (Cause.hasInterruptsOnly(exit.cause)) throw closedError("The client was closed during this call")
        throw Cause.squash(exit.cause)
      },
      // The runtime refuses work once disposed (it rejects with a plain string, not an Error).
      () => {
        throw closedError("This client is closed; create a new one")
      },
    )
  }
}

/**
 * Same as `new OMOPHub(options)`. Needs `apiKey` or a `credentials` provider.
 *
 * @example
 * ```ts
 * await using client = createClient({ credentials: fromCallback(() => fetchTokenFromMyBackend()) })
 * const hits = await client.search.basic("type 2 diabetes", { vocabularyIds: ["SNOMED"], pageSize: 5 })
 * ```
 */
export const createClient = (options: ClientOptions): OMOPHub => new OMOPHub(options)
