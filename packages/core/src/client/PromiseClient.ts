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
import type { GetConceptOptions } from "../resources/Concepts.ts"
import type { Concept } from "../resources/Models.ts"
import type { BasicSearchOptions, SearchResult } from "../resources/Search.ts"
import { type ClientOptions, layer, OmopHubClient } from "./OmopHubClient.ts"

/** Options every Promise method accepts besides its own. */
export interface CallOptions {
  /** Aborting it cancels the call; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

type WithCall<O> = O & CallOptions

const splitSignal = <O extends CallOptions>(
  options: O | undefined,
): [Omit<O, "signal"> | undefined, AbortSignal | undefined] => {
  if (options === undefined || options === null || typeof options !== "object") return [options, undefined]
  const { signal, ...rest } = options
  return [rest, signal]
}

export class OMOPHub {
  readonly #runtime: ManagedRuntime.ManagedRuntime<OmopHubClient | RequestPipeline, unknown>

  /** Concept endpoints. */
  readonly concepts: {
    readonly get: (conceptId: number, options?: WithCall<GetConceptOptions>) => Promise<Concept>
  }
  /** Search endpoints. */
  readonly search: {
    readonly basic: (query: string, options?: WithCall<BasicSearchOptions>) => Promise<SearchResult>
  }
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
    this.concepts = {
      get: (conceptId, options) => {
        const [rest, signal] = splitSignal(options)
        return this.#run(
          Effect.flatMap(client, (c) => c.concepts.get(conceptId, rest)),
          signal,
        )
      },
    }
    this.search = {
      basic: (query, options) => {
        const [rest, signal] = splitSignal(options)
        return this.#run(
          Effect.flatMap(client, (c) => c.search.basic(query, rest)),
          signal,
        )
      },
    }
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
    return this.#runtime.dispose()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #run<A>(
    effect: Effect.Effect<A, OmopHubError, OmopHubClient>,
    signal: AbortSignal | undefined,
  ): Promise<A> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return this.#runtime
      .runPromiseExit(effect, signal === undefined ? undefined : { signal })
      .then((exit) => {
        if (Exit.isSuccess(exit)) return exit.value
        if (signal?.aborted) throw signal.reason
        throw Cause.squash(exit.cause)
      })
  }
}

/** Same as `new OMOPHub(options)`. Needs `apiKey` or a `credentials` provider. */
export const createClient = (options: ClientOptions): OMOPHub => new OMOPHub(options)
