/**
 * The OMOPHub success and error envelopes. Handlers return `ok(...)` and throw `ApiFailure`;
 * the app's error handler renders every failure (and every unexpected exception) as an error
 * envelope, so nothing escapes as an HTML page or a dropped connection.
 */
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { SandboxEnv } from "./SandboxEnv.ts"

export interface PaginationMeta {
  readonly page: number
  readonly page_size: number
  readonly total_items: number
  readonly total_pages: number
  readonly has_next: boolean
  readonly has_previous: boolean
}

/** Builds pagination meta that satisfies the contract's invariants. */
export const paginationMeta = (page: number, pageSize: number, totalItems: number): PaginationMeta => {
  const totalPages = Math.max(1, Math.ceil(totalItems / pageSize))
  return {
    page,
    page_size: pageSize,
    total_items: totalItems,
    total_pages: totalPages,
    has_next: page < totalPages,
    has_previous: page > 1,
  }
}

export const meta = (c: Context<SandboxEnv>, pagination?: PaginationMeta) => ({
  request_id: c.get("requestId"),
  timestamp: new Date().toISOString(),
  vocab_release: c.get("release").name,
  ...(pagination === undefined ? {} : { pagination }),
})

export const ok = (c: Context<SandboxEnv>, data: unknown, pagination?: PaginationMeta, status = 200) =>
  c.json({ success: true, data, meta: meta(c, pagination) }, status as ContentfulStatusCode)

export class ApiFailure extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown
  readonly headers: Readonly<Record<string, string>>
  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
    this.headers = headers
  }
}

/** Shorthands for the failures handlers raise most. */
export const notFound = (message: string, details?: unknown, code = "not_found") =>
  new ApiFailure(404, code, message, details)
export const validationError = (message: string, details?: unknown) =>
  new ApiFailure(400, "validation_error", message, details)

export const errorBody = (requestId: string, code: string, message: string, details?: unknown) => ({
  success: false,
  error: { code, message, ...(details === undefined ? {} : { details }) },
  meta: { request_id: requestId, timestamp: new Date().toISOString() },
})
