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
      const signature = items.length === 0 ? undefined : JSON.stringify(items)
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
