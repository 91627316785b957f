/**
 * Page walking for paged operations (descriptors with `pageItems`, see `resources/Operation.ts`).
 * One state machine (`makePager`) drives the Effect streams (`<name>Iter`, `<name>Pages`), the
 * eager collect (`<name>All`) and the Promise API's async iterables.
 *
 * Rules, in order, after fetching page `p`:
 * - the same items as the previous page, or the same `meta.pagination.page` reported twice, is a
 *   server making no progress: `PaginationError` (`no_progress`), the repeated page is not emitted;
 * - `has_next` decides when the server sends it (`true` with an empty page is `no_progress`);
 * - else `page < total_pages` when both are sent;
 * - else (no pagination meta) a page shorter than the page size (`page_size`, the requested
 *   `pageSize`, or the first page's size when neither is known) or empty is the last one.
 * At most `maxPages` pages (default 1000) are fetched. With pages left, the streams then fail with
 * `PaginationError` (`max_pages`) after emitting what they fetched: a stream cannot flag itself
 * incomplete, and stopping quietly would pass a truncated list off as complete. `<name>All` instead
 * returns `complete: false`.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type OmopHubError, PaginationError, ValidationError } from "../Errors.ts"
import type { Pagination } from "../resources/Operation.ts"

/** Pages a walk fetches at most when `maxPages` is not given. */
export const defaultMaxPages = 1000
/** Items `<name>All` collects at most when `limit` is not given. */
export const defaultItemLimit = 10_000

/** Options of `<name>Iter` and `<name>Pages`, besides the method's own. */
export interface PageWalkOptions {
  /** Most pages fetched in one walk (default 1000). */
  readonly maxPages?: number | undefined
}

/** Options of `<name>All`, besides the method's own. */
export interface CollectOptions extends PageWalkOptions {
  /** Most items collected (default 10 000); the walk stops once it has them. */
  readonly limit?: number | undefined
}

/** What `<name>All` returns. */
export interface CollectedItems<Item> {
  readonly items: ReadonlyArray<Item>
  /** True only when the server said there is nothing more: never for a list cut by `limit` or `maxPages`. */
  readonly complete: boolean
  /** Why the walk stopped: the last page, the item `limit`, or the `maxPages` cap. */
  readonly stoppedBy: "end" | "limit" | "max_pages"
  readonly pagesFetched: number
  /** The server's `total_items`, when it reported one. */
  readonly totalItems?: number | undefined
}

export interface PageState {
  readonly page: number
  readonly pagesFetched: number
  readonly previousItems: string | undefined
  readonly previousReportedPage: number | undefined
  readonly referenceSize: number | undefined
}

export interface PageStep<Output, Item> {
  readonly output: Output
  readonly items: ReadonlyArray<Item>
  readonly pagination: Pagination | undefined
  /** The next page's state, or `undefined` after the last page. */
  readonly next: PageState | undefined
}

export interface Pager<Output, Item> {
  readonly start: PageState
  /** Fetches the page of `state`; fails with `max_pages` when the cap is already reached. */
  readonly step: (state: PageState) => Effect.Effect<PageStep<Output, Item>, OmopHubError>
  readonly maxPages: number
}

export interface PagerOptions<Output, Item> {
  /** `resource.name`, for errors. */
  readonly operation: string
  readonly fetchPage: (page: number) => Effect.Effect<Output, OmopHubError>
  readonly pageItems: (output: Output) => ReadonlyArray<Item>
  readonly startPage: number
  readonly requestedPageSize: number | undefined
  readonly maxPages: number
}

/**
 * A compact fingerprint of a page's items, to spot a server serving the same page again: the item
 * count and two independent 32-bit FNV-1a hashes of each item's JSON, folded in order. Only this
 * short string is kept until the next page (not the page's JSON, which would stay alive, and be
 * promoted to the old generation, for the whole next request).
 */
const fingerprint = (items: ReadonlyArray<unknown>): string | undefined => {
  if (items.length === 0) return undefined
  let a = 0x811c9dc5
  let b = 0x01000193 ^ items.length
  for (const item of items) {
    const text = JSON.stringify(item) ?? "undefined"
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      a = Math.imul(a ^ code, 0x01000193)
      b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15)
    }
    // An item boundary, so that ["ab","c"] and ["a","bc"] differ.
    a = Math.imul(a ^ 0x1e, 0x01000193)
    b = Math.imul(b ^ 0x1e, 0x5bd1e995) ^ (b >>> 15)
  }
  return `${items.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`
}

const paginationOf = (output: unknown): Pagination | undefined => {
  if (typeof output !== "object" || output === null) return undefined
  const pagination = (output as { readonly pagination?: unknown }).pagination
  return typeof pagination === "object" && pagination !== null ? (pagination as Pagination) : undefined
}

export const makePager = <Output, Item>(options: PagerOptions<Output, Item>): Pager<Output, Item> => {
  const noProgress = (state: PageState, why: string) =>
    new PaginationError({
      message: `${options.operation}: the server made no progress at page ${state.page} (${why})`,
      reason: "no_progress",
      operation: options.operation,
      page: state.page,
      pagesFetched: state.pagesFetched + 1,
      retryable: false,
    })

  const step = (state: PageState): Effect.Effect<PageStep<Output, Item>, OmopHubError> => {
    if (state.pagesFetched >= options.maxPages) {
      return Effect.fail(
        new PaginationError({
          message: `${options.operation}: stopped after ${state.pagesFetched} pages (maxPages) with pages left`,
          reason: "max_pages",
          operation: options.operation,
          page: state.page,
          pagesFetched: state.pagesFetched,
          retryable: false,
        }),
      )
    }
    return Effect.flatMap(options.fetchPage(state.page), (output) => {
      const items = options.pageItems(output)
      const pagination = paginationOf(output)
      const signature = fingerprint(items)
      if (signature !== undefined && signature === state.previousItems) {
        return Effect.fail(noProgress(state, "same items as the previous page"))
      }
      const reportedPage = pagination?.page
      if (reportedPage !== undefined && reportedPage === state.previousReportedPage) {
        return Effect.fail(noProgress(state, `the server reported page ${reportedPage} twice`))
      }
      let more: boolean
      if (pagination?.has_next !== undefined) {
        more = pagination.has_next
        if (more && items.length === 0) return Effect.fail(noProgress(state, "an empty page with has_next"))
      } else if (pagination?.total_pages !== undefined && reportedPage !== undefined) {
        more = reportedPage < pagination.total_pages && items.length > 0
      } else {
        const size = pagination?.page_size ?? options.requestedPageSize ?? state.referenceSize ?? items.length
        more = items.length > 0 && items.length >= size
      }
      const next: PageState | undefined = more
        ? {
            page: state.page + 1,
            pagesFetched: state.pagesFetched + 1,
            previousItems: signature,
            previousReportedPage: reportedPage,
            referenceSize: state.referenceSize ?? items.length,
          }
        : undefined
      return Effect.succeed({ output, items, pagination, next })
    })
  }

  return {
    start: {
      page: options.startPage,
      pagesFetched: 0,
      previousItems: undefined,
      previousReportedPage: undefined,
      referenceSize: undefined,
    },
    step,
    maxPages: options.maxPages,
  }
}

/** Pages as a lazy stream: nothing is fetched until pulled; interrupting it stops the walk. */
export const pageStream = <Output, Item>(pager: Pager<Output, Item>): Stream.Stream<Output, OmopHubError> =>
  Stream.paginate(pager.start, (state) =>
    Effect.map(pager.step(state), (step) => [[step.output], Option.fromUndefinedOr(step.next)] as const),
  )

/** Items as a lazy stream, page by page. */
export const itemStream = <Output, Item>(pager: Pager<Output, Item>): Stream.Stream<Item, OmopHubError> =>
  Stream.paginate(pager.start, (state) =>
    Effect.map(pager.step(state), (step) => [step.items, Option.fromUndefinedOr(step.next)] as const),
  )

/** Walks pages until the end, the item limit or the page cap, whichever comes first. */
export const collect = <Output, Item>(
  pager: Pager<Output, Item>,
  limit: number,
): Effect.Effect<CollectedItems<Item>, OmopHubError> =>
  Effect.gen(function* () {
    const items: Array<Item> = []
    let state: PageState | undefined = pager.start
    let pagesFetched = 0
    let totalItems: number | undefined
    while (state !== undefined) {
      if (pagesFetched >= pager.maxPages) {
        return { items, complete: false, stoppedBy: "max_pages", pagesFetched, totalItems } as const
      }
      const step: PageStep<Output, Item> = yield* pager.step(state)
      pagesFetched++
      totalItems = step.pagination?.total_items ?? totalItems
      const room = limit - items.length
      for (const item of step.items.slice(0, room)) items.push(item)
      // Exactly `limit` items with more pages announced is still cut: the next page may hold more.
      if (step.items.length > room || (items.length >= limit && step.next !== undefined)) {
        return { items, complete: false, stoppedBy: "limit", pagesFetched, totalItems } as const
      }
      state = step.next
    }
    return { items, complete: true, stoppedBy: "end", pagesFetched, totalItems } as const
  })

/** Checks `maxPages` / `limit` (a `ValidationError` before any request). */
export const checkWalkOptions = (
  operation: string,
  options: { readonly maxPages?: unknown; readonly limit?: unknown },
  withLimit: boolean,
): ValidationError | { readonly maxPages: number; readonly limit: number } => {
  const issues: Array<{ path: string; message: string }> = []
  const integer = (name: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) return value
    issues.push({ path: `options.${name}`, message: "must be a positive integer" })
    return fallback
  }
  const maxPages = integer("maxPages", options.maxPages, defaultMaxPages)
  const limit = withLimit ? integer("limit", options.limit, defaultItemLimit) : defaultItemLimit
  if (issues.length > 0) {
    return new ValidationError({
      message: `${operation}: invalid input: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
      operation,
      issues,
      retryable: false,
    })
  }
  return { maxPages, limit }
}

/**
 * The items of a page walk as an `AsyncIterator` for the Promise API. `nextPage` fetches the next
 * page's items (`undefined` after the last page); it is called only once the current page is used
 * up, so one page is held at a time and nothing is fetched ahead. Items of the current page are
 * handed out directly, without an async generator per layer: every extra generator step allocates
 * promises per item, which kept each page alive across more young-generation collections (and
 * into the old generation) than the page walk needs.
 *
 * Like an async generator: calls to `next` made before the previous one settled are served in
 * order; after the last item, a failure or `return`, `next` resolves `done`; a page fetch that fails
 * rejects that `next` and ends the walk; `return` drops the page held.
 */
export const pageItemsIterator = <Item>(
  nextPage: () => Promise<ReadonlyArray<Item> | undefined>,
): AsyncIterator<Item, undefined> & AsyncIterable<Item> => {
  let page: ReadonlyArray<Item> = []
  let index = 0
  let finished = false
  // Settles after the latest queued `next`; later calls wait for it (a page fetch in progress).
  let queue: Promise<unknown> | undefined
  const doneResult: IteratorReturnResult<undefined> = { done: true, value: undefined }
  const ignore = () => undefined

  const pull = async (): Promise<IteratorResult<Item, undefined>> => {
    while (!finished) {
      if (index < page.length) return { done: false, value: page[index++] as Item }
      // Release the used-up page before the next request, not after it.
      page = []
      index = 0
      let items: ReadonlyArray<Item> | undefined
      try {
        items = await nextPage()
      } catch (error) {
        finished = true
        throw error
      }
      if (items === undefined) finished = true
      else if (!finished) page = items
    }
    return doneResult
  }

  const iterator: AsyncIterator<Item, undefined> & AsyncIterable<Item> = {
    next: () => {
      if (queue === undefined && !finished && index < page.length) {
        return Promise.resolve({ done: false, value: page[index++] as Item })
      }
      const result = queue === undefined ? pull() : queue.then(pull, pull)
      const settled = result.then(ignore, ignore)
      queue = settled
      void settled.then(() => {
        if (queue === settled) queue = undefined
      })
      return result
    },
    return: () => {
      finished = true
      page = []
      index = 0
      return Promise.resolve(doneResult)
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
