/**
 * Turns a resource's method declarations into client methods, once for the Effect API and once for
 * the Promise API, so that adding an endpoint never means editing either client by hand. A method
 * whose operation has `pageItems` also gets `<name>Iter`, `<name>Pages` and `<name>All` (see
 * `Pagination.ts`).
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type OmopHubError, ValidationError } from "../Errors.ts"
import type { RequestPipelineShape } from "../http/RequestPipeline.ts"
import type { AnyMethod, Method } from "../resources/Operation.ts"
import {
  type CollectedItems,
  type CollectOptions,
  checkWalkOptions,
  collect,
  itemStream,
  makePager,
  type Pager,
  type PageState,
  type PageWalkOptions,
  pageItemsIterator,
  pageStream,
} from "./Pagination.ts"

/** Options every Promise method accepts in its trailing options object, besides its own. */
export interface CallOptions {
  /** Aborting it cancels the call at once; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
  /** Sent unchanged as `Idempotency-Key` on every attempt of this call. */
  readonly idempotencyKey?: string | undefined
}

/** Per-call request options on the Effect side. */
export interface EffectCallOptions {
  /** Sent unchanged as `Idempotency-Key` on every attempt of this call. */
  readonly idempotencyKey?: string | undefined
}

/** `<K><Suffix>` when method `K` of `M` is paged (its operation has `pageItems`), else `never`. */
export type PagedName<M, K extends keyof M, Suffix extends string> =
  M[K] extends Method<infer _A, infer _O, infer _I, infer _D, infer _Out, infer Item>
    ? [Item] extends [never]
      ? never
      : `${K & string}${Suffix}`
    : never

/** A method's positional arguments and its options type, for the generated variants. */
export type Variant<M, K extends keyof M, Extra, Result> =
  M[K] extends Method<infer Args, infer Options, infer _I, infer _D, infer _Out, infer _Item>
    ? (...args: [...Args, options?: Options & Extra]) => Result
    : never
/** What method `K` of `M` returns: the decoded response of one call (one page, for a paged method). */
export type OutputOf<M, K extends keyof M> =
  M[K] extends Method<infer _A, infer _O, infer _I, infer _D, infer Output, infer _Item> ? Output : never
/** The item type of paged method `K` of `M` (`never` when it is not paged). */
export type ItemOf<M, K extends keyof M> =
  M[K] extends Method<infer _A, infer _O, infer _I, infer _D, infer _Out, infer Item> ? Item : never

/**
 * The Effect API of one resource, derived from its `methods`: each method returns an `Effect` that
 * fails with `OmopHubError`, and each paged method also gets `<name>Iter` (items as a `Stream`),
 * `<name>Pages` (pages as a `Stream`) and `<name>All` (collected items, bounded by `limit`).
 */
export type EffectMethods<M> = {
  readonly [K in keyof M]: Variant<M, K, EffectCallOptions, Effect.Effect<OutputOf<M, K>, OmopHubError>>
} & {
  /** Every item of every page, lazily. */
  readonly [K in keyof M as PagedName<M, K, "Iter">]: Variant<
    M,
    K,
    EffectCallOptions & PageWalkOptions,
    Stream.Stream<ItemOf<M, K>, OmopHubError>
  >
} & {
  /** Every page (the method's normal output), lazily. */
  readonly [K in keyof M as PagedName<M, K, "Pages">]: Variant<
    M,
    K,
    EffectCallOptions & PageWalkOptions,
    Stream.Stream<OutputOf<M, K>, OmopHubError>
  >
} & {
  /** Up to `limit` items (default 10 000), and whether that is all of them. */
  readonly [K in keyof M as PagedName<M, K, "All">]: Variant<
    M,
    K,
    EffectCallOptions & CollectOptions,
    Effect.Effect<CollectedItems<ItemOf<M, K>>, OmopHubError>
  >
}

/**
 * The Promise API of one resource, derived from its `methods`: each method returns a `Promise`
 * rejecting with the same `OmopHubError` values, takes an abort `signal`, and each paged method also
 * gets `<name>Iter` and `<name>Pages` (async iterables) and `<name>All`.
 */
export type PromiseMethods<M> = {
  readonly [K in keyof M]: Variant<M, K, CallOptions, Promise<OutputOf<M, K>>>
} & {
  /** Every item of every page, fetched as the loop asks; `break` stops fetching. */
  readonly [K in keyof M as PagedName<M, K, "Iter">]: Variant<
    M,
    K,
    CallOptions & PageWalkOptions,
    AsyncIterable<ItemOf<M, K>>
  >
} & {
  /** Every page (the method's normal output), fetched as the loop asks; `break` stops fetching. */
  readonly [K in keyof M as PagedName<M, K, "Pages">]: Variant<
    M,
    K,
    CallOptions & PageWalkOptions,
    AsyncIterable<OutputOf<M, K>>
  >
} & {
  /** Up to `limit` items (default 10 000), and whether that is all of them. */
  readonly [K in keyof M as PagedName<M, K, "All">]: Variant<
    M,
    K,
    CallOptions & CollectOptions,
    Promise<CollectedItems<ItemOf<M, K>>>
  >
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const callKeys = ["signal", "idempotencyKey"] as const
const walkKeys = ["signal", "idempotencyKey", "maxPages", "limit"] as const
// `limit` belongs to `<name>All` only; left in the options of Iter/Pages, the option check reports it.
const walkKeysWithoutLimit = ["signal", "idempotencyKey", "maxPages"] as const

const isAbortSignal = (u: unknown): u is AbortSignal =>
  typeof u === "object" &&
  u !== null &&
  typeof (u as { aborted?: unknown }).aborted === "boolean" &&
  typeof (u as { addEventListener?: unknown }).addEventListener === "function"

/** A ValidationError for a `signal` option that is not an AbortSignal, else undefined. */
const signalProblem = (operation: string, signal: unknown): ValidationError | undefined =>
  signal === undefined || isAbortSignal(signal)
    ? undefined
    : new ValidationError({
        message: `${operation}: invalid input: options.signal must be an AbortSignal`,
        operation,
        issues: [{ path: "options.signal", message: "must be an AbortSignal" }],
        retryable: false,
      })

/** Splits the given keys off a method's trailing options object. */
const splitKeys = <const Keys extends ReadonlyArray<string>>(
  options: unknown,
  keys: Keys,
): { readonly options: unknown; readonly taken: { readonly [K in Keys[number]]?: unknown } } => {
  if (!isRecord(options) || !keys.some((key) => key in options)) return { options, taken: {} }
  const rest: Record<string, unknown> = {}
  const taken: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if ((keys as ReadonlyArray<string>).includes(key)) {
      if (value !== undefined) taken[key] = value
    } else {
      // defineProperty, not assignment: an own `__proto__` key must stay a key the option check sees.
      Object.defineProperty(rest, key, { value, enumerable: true, writable: true, configurable: true })
    }
  }
  return { options: Object.keys(rest).length === 0 ? undefined : rest, taken: taken as never }
}

const noCallOptions = { options: undefined } as const

/** Splits the per-call keys (`signal`, `idempotencyKey`) off a method's trailing options object. */
export const splitCallOptions = (
  options: unknown,
): {
  readonly options: unknown
  /** Only a real AbortSignal; anything else is reported by the call (see `signalProblem`). */
  readonly signal?: AbortSignal
  readonly rawSignal?: unknown
  readonly idempotencyKey?: string
} => {
  // The common call has no options object at all.
  if (options === undefined) return noCallOptions
  const { options: rest, taken } = splitKeys(options, callKeys)
  return {
    options: rest,
    ...(taken.signal === undefined ? {} : { rawSignal: taken.signal }),
    ...(isAbortSignal(taken.signal) ? { signal: taken.signal } : {}),
    ...(taken.idempotencyKey === undefined ? {} : { idempotencyKey: taken.idempotencyKey as string }),
  }
}

/** A bound method: positional arguments then the trailing options object. */
export type BoundMethod = (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, OmopHubError>

const call = (pipeline: RequestPipelineShape, m: AnyMethod, args: ReadonlyArray<unknown>) => {
  const { options, idempotencyKey, rawSignal } = splitCallOptions(args[m.arity])
  const badSignal = signalProblem(`${m.operation.resource}.${m.operation.name}`, rawSignal)
  if (badSignal !== undefined) return Effect.fail(badSignal)
  const input = m.toInput(args.slice(0, m.arity), options)
  return pipeline.execute(m.operation, input, idempotencyKey === undefined ? undefined : { idempotencyKey })
}

/**
 * The pager of one paged call: `fetch` is the bound method, called again with `page` set in its
 * options for each page. Fails with a `ValidationError` for a bad `maxPages` / `limit`.
 */
const pagerFor = (
  name: string,
  m: AnyMethod,
  fetch: BoundMethod,
  args: ReadonlyArray<unknown>,
  withLimit: boolean,
): Effect.Effect<{ readonly pager: Pager<unknown, unknown>; readonly limit: number }, OmopHubError> =>
  Effect.suspend(() => {
    const id = `${m.operation.resource}.${name}`
    const { options, taken } = splitKeys(args[m.arity], withLimit ? walkKeys : walkKeysWithoutLimit)
    const badSignal = signalProblem(id, taken.signal)
    if (badSignal !== undefined) return Effect.fail(badSignal)
    const walk = checkWalkOptions(id, taken, withLimit)
    if ("_tag" in walk) return Effect.fail(walk)
    const pageItems = m.operation.pageItems as (output: unknown) => ReadonlyArray<unknown>
    const own = isRecord(options) ? options : {}
    const callOptions = taken.idempotencyKey === undefined ? {} : { idempotencyKey: taken.idempotencyKey }
    // A bad `page` is left for the descriptor to report on the first request.
    const startPage = typeof own.page === "number" ? own.page : 1
    const positional = args.slice(0, m.arity)
    const pager = makePager({
      operation: id,
      fetchPage: (page) =>
        fetch(...positional, {
          ...own,
          ...callOptions,
          page: page === startPage && own.page !== undefined ? own.page : page,
        }),
      pageItems,
      startPage,
      requestedPageSize: typeof own.pageSize === "number" ? own.pageSize : undefined,
      maxPages: walk.maxPages,
    })
    return Effect.succeed({ pager, limit: walk.limit })
  })

/**
 * The Effect methods of one resource. `overrides` replaces the plain call of some methods (the
 * client's automatic batching); generated variants go through the override too.
 */
export const bindEffect = <M extends Record<string, AnyMethod>>(
  pipeline: RequestPipelineShape,
  methods: M,
  overrides: Readonly<Record<string, BoundMethod>> = {},
): EffectMethods<M> => {
  const bound: Record<string, unknown> = {}
  for (const [name, m] of Object.entries(methods)) {
    const base: BoundMethod = overrides[name] ?? ((...args) => call(pipeline, m, args))
    bound[name] = base
    if (m.operation.pageItems === undefined) continue
    bound[`${name}Iter`] = (...args: ReadonlyArray<unknown>) =>
      Stream.unwrap(Effect.map(pagerFor(name, m, base, args, false), ({ pager }) => itemStream(pager)))
    bound[`${name}Pages`] = (...args: ReadonlyArray<unknown>) =>
      Stream.unwrap(Effect.map(pagerFor(name, m, base, args, false), ({ pager }) => pageStream(pager)))
    bound[`${name}All`] = (...args: ReadonlyArray<unknown>) =>
      Effect.flatMap(pagerFor(name, m, base, args, true), ({ pager, limit }) => collect(pager, limit))
  }
  return bound as EffectMethods<M>
}

/** How the Promise client runs an Effect built from the resource's Effect methods. */
export type PromiseRunner = <A>(
  effect: (methods: Readonly<Record<string, BoundMethod>>) => Effect.Effect<A, OmopHubError>,
  signal: AbortSignal | undefined,
) => Promise<A>

/**
 * The Promise methods of one resource, over its Effect methods (so batching and caching behave the
 * same in both APIs). Async iterables fetch one page per step: `break` stops the walk, and aborting
 * the signal makes the pending (or next) step reject with `signal.reason`.
 */
export const bindPromise = <M extends Record<string, AnyMethod>>(
  methods: M,
  run: PromiseRunner,
): PromiseMethods<M> => {
  const bound: Record<string, unknown> = {}
  for (const [name, m] of Object.entries(methods)) {
    const signalOf = (args: ReadonlyArray<unknown>) => splitCallOptions(args[m.arity]).signal
    bound[name] = (...args: ReadonlyArray<unknown>) =>
      run((effects) => (effects[name] as BoundMethod)(...args), signalOf(args))
    if (m.operation.pageItems === undefined) continue
    // One page per call, from a pager made on the first call; `undefined` once the walk is over.
    const pageSteps = (args: ReadonlyArray<unknown>) => {
      const signal = signalOf(args)
      let pager: Pager<unknown, unknown> | undefined
      let state: PageState | undefined
      return async () => {
        if (pager === undefined) {
          const walker = await run(
            (effects) => pagerFor(name, m, effects[name] as BoundMethod, args, false),
            signal,
          )
          pager = walker.pager
          state = pager.start
        }
        if (state === undefined) return undefined
        const current: Pager<unknown, unknown> = pager
        const at: PageState = state
        const step = await run(() => current.step(at), signal)
        state = step.next
        return step
      }
    }
    bound[`${name}Pages`] = (...args: ReadonlyArray<unknown>) => ({
      async *[Symbol.asyncIterator]() {
        const next = pageSteps(args)
        for (let step = await next(); step !== undefined; step = await next()) yield step.output
      },
    })
    // Items straight from the page held (see `pageItemsIterator`), not through a second generator.
    bound[`${name}Iter`] = (...args: ReadonlyArray<unknown>) => ({
      [Symbol.asyncIterator]() {
        const next = pageSteps(args)
        return pageItemsIterator(async () => (await next())?.items)
      },
    })
    bound[`${name}All`] = (...args: ReadonlyArray<unknown>) =>
      run((effects) => (effects[`${name}All`] as BoundMethod)(...args), signalOf(args))
  }
  return bound as PromiseMethods<M>
}
