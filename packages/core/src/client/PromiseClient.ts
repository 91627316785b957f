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
  /** How to end each `rateLimit.changes()` iteration that has started and not ended (for `close()`). */
  readonly #iterations = new Set<() => Promise<IteratorResult<RateLimitSnapshot>>>()
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
    /**
     * The latest snapshot and each change; stop with `break` (or `return()` on the iterator, which
     * also ends a `next()` still pending: it resolves `{ done: true }`). `close()` ends every iteration
     * the same way; starting one on a closed client rejects with a `ConfigurationError`.
     */
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
    // The client service, kept after the first call resolved it: later calls skip the service
    // lookup and the closures around it. Calls still run on the runtime (so `close()` interrupts them),
    // and until the runtime has been built every call goes through it (so a layer error still
    // rejects every call the same way).
    let service: Effect.Success<typeof client> | undefined
    const runner =
      (resource: keyof Resources): PromiseRunner =>
      (effect, signal) => {
        if (service === undefined) {
          return this.#run(
            Effect.flatMap(client, (c) => {
              service = c
              return effect(c[resource] as unknown as Readonly<Record<string, BoundMethod>>)
            }),
            signal,
          )
        }
        try {
          return this.#run(
            effect(service[resource] as unknown as Readonly<Record<string, BoundMethod>>),
            signal,
          )
        } catch (defect) {
          // What the same throw inside the runtime would have rejected with.
          return Promise.reject(defect)
        }
      }
    this.concepts = bindPromise(resources.concepts, runner("concepts"))
    this.search = bindPromise(resources.search, runner("search"))
    this.vocabularies = bindPromise(resources.vocabularies, runner("vocabularies"))
    this.domains = bindPromise(resources.domains, runner("domains"))
    this.hierarchy = bindPromise(resources.hierarchy, runner("hierarchy"))
    this.relationships = bindPromise(resources.relationships, runner("relationships"))
    this.mappings = bindPromise(resources.mappings, runner("mappings"))
    this.fhir = bindPromise(resources.fhir, runner("fhir"))
    const runtime = this.#runtime
    const iterations = this.#iterations
    const done: IteratorResult<RateLimitSnapshot> = { done: true, value: undefined }
    this.rateLimit = {
      current: (options) =>
        this.#run(
          Effect.flatMap(client, (c) => Effect.map(c.rateLimit.current, Option.getOrUndefined)),
          options?.signal,
        ),
      changes: () => ({
        [Symbol.asyncIterator]: (): AsyncIterator<RateLimitSnapshot> => {
          // `ended`: `return()` was called or the client closed; from then on `next()` answers done.
          // It is checked again after every await, so a `next()` that was waiting for the runtime when
          // the iteration ended subscribes to nothing.
          let ended = false
          let inner: AsyncIterator<RateLimitSnapshot> | undefined
          const end = async (): Promise<IteratorResult<RateLimitSnapshot>> => {
            ended = true
            iterations.delete(end)
            const current = inner
            inner = undefined
            // Ending the inner iterator interrupts its pending `next()` (which then answers done) and
            // removes the store subscriber.
            if (current?.return !== undefined) await current.return()
            return done
          }
          const start = async (): Promise<AsyncIterator<RateLimitSnapshot> | undefined> => {
            if (inner !== undefined) return inner
            if (this.#closed) throw closedError("This client is closed; create a new one")
            iterations.add(end)
            let context: Awaited<ReturnType<typeof runtime.context>>
            try {
              context = await runtime.context()
            } catch (error) {
              if (ended) return undefined
              throw error
            }
            if (ended) return undefined
            inner ??= Stream.toAsyncIterableWith(
              Stream.unwrap(Effect.map(client, (c) => c.rateLimit.changes)),
              context,
            )[Symbol.asyncIterator]()
            return inner
          }
          return {
            next: async () => {
              if (ended) return done
              const iterator = await start()
              return iterator === undefined ? done : iterator.next()
            },
            return: end,
          }
        },
      }),
    }
  }

  /**
   * Releases the client's resources (background credential refreshes). Calls after this fail, a call
   * in flight rejects with a `ConfigurationError`, and every `rateLimit.changes()` iteration ends: a
   * pending `next()` resolves `{ done: true }` (a `for await` loop simply finishes).
   */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.allSettled(Array.from(this.#iterations, (end) => end()))
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
