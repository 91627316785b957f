/**
 * The `page` / `pageSize` options shared by paged list endpoints, checked against the endpoint's
 * documented page-size maximum (contract §5) instead of being clamped by the server.
 *
 * @module
 */
import type { Checker } from "./Validate.ts"

/** The paging options of a paged method; its `<name>Iter`, `<name>Pages` and `<name>All` set `page` for you. */
export interface PageOptions {
  /** 1-based page number. */
  readonly page?: number | undefined
  /** Items per page; the maximum depends on the endpoint (see its options). */
  readonly pageSize?: number | undefined
}

/** Checks `options.page` / `options.pageSize` and returns them as query values. */
export const pageQuery = (
  check: Checker,
  options: { readonly page?: unknown; readonly pageSize?: unknown },
  maxPageSize: number,
) => ({
  page: check.optionalInteger("options.page", options.page, 1, Number.MAX_SAFE_INTEGER),
  pageSize: check.optionalInteger("options.pageSize", options.pageSize, 1, maxPageSize),
})
