/**
 * The OMOPHub success and error envelopes. Handlers return `ok(...)` and throw `ApiFailure`;
 * the app's error handler renders every failure (and every unexpected exception) as an error
 * envelope, so nothing escapes as an HTML page or a dropped connection.
 */
import type { Context } from "hono"
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

/** `JSON.stringify(pagination)` (all fields are integers or booleans), without the generic serialiser. */
export const paginationJson = (pagination: PaginationMeta): string =>
  `{"page":${pagination.page},"page_size":${pagination.page_size},"total_items":${pagination.total_items},"total_pages":${pagination.total_pages},"has_next":${pagination.has_next},"has_previous":${pagination.has_previous}}`

let clockMs = 0
let clockIso = ""

/** `new Date().toISOString()`, formatted at most once per millisecond (a busy server asks often). */
export const isoNow = (): string => {
  const now = Date.now()
  if (now !== clockMs) {
    clockMs = now
    clockIso = new Date(now).toISOString()
  }
  return clockIso
}

export const meta = (c: Context<SandboxEnv>, pagination?: PaginationMeta) => ({
  request_id: c.get("requestId"),
  timestamp: isoNow(),
  vocab_release: c.get("release").name,
  ...(pagination === undefined ? {} : { pagination }),
})

/**
 * Builds the response with plain-object headers in one step. Unlike `c.json` after middleware has
 * touched `c.res`, this keeps @hono/node-server on its fast path (no Web Response, no body stream).
 */
export const respond = (
  c: Context<SandboxEnv>,
  status: number,
  json: string | null,
  headers?: Readonly<Record<string, string>>,
): Response => {
  c.set("headersApplied", true)
  return new Response(json, {
    status,
    headers: {
      ...(json === null ? {} : { "content-type": "application/json" }),
      ...headers,
      ...c.get("responseHeaders"),
    },
  })
}

/** Lets a handler add a response header (kept on error responses too). */
export const addResponseHeader = (c: Context<SandboxEnv>, name: string, value: string): void => {
  c.get("responseHeaders")[name] = value
}

export const ok = (c: Context<SandboxEnv>, data: unknown, pagination?: PaginationMeta, status = 200) =>
  respond(c, status, JSON.stringify({ success: true, data, meta: meta(c, pagination) }))

/**
 * `ok` for a handler that already holds `data` as JSON text (e.g. cached concept rows), so the
 * payload is not serialised again. The bytes equal `ok`'s for the same data.
 */
export const okJson = (
  c: Context<SandboxEnv>,
  dataJson: string,
  pagination?: PaginationMeta,
  status = 200,
): Response =>
  okJsonPaged(c, dataJson, pagination === undefined ? undefined : JSON.stringify(pagination), status)

/** `okJson` with the pagination meta already serialised (`JSON.stringify(pagination)`). */
export const okJsonPaged = (
  c: Context<SandboxEnv>,
  dataJson: string,
  paginationJson: string | undefined,
  status = 200,
): Response => respond(c, status, `{"success":true,"data":${dataJson},"meta":${metaJson(c, paginationJson)}}`)

/** How `okJson`'s body starts, before the data JSON. */
export const OK_JSON_OPEN = '{"success":true,"data":'

/**
 * A response body under construction, as pieces joined once at the end (one flat string, no tree
 * of concatenations for the socket write to flatten first). The pieces are written by index into
 * an array sized up front, so a body of a known shape never regrows it.
 */
export class BodyPieces {
  readonly list: string[]
  size = 0

  /** Room for about `capacity` pieces (more still fit, the array then grows). */
  constructor(capacity: number) {
    this.list = new Array<string>(capacity)
  }

  add(piece: string): void {
    this.list[this.size++] = piece
  }

  /** The pieces `from` .. the last one, joined. */
  join(from = 0): string {
    // Unused slots at the end are holes, which `join` writes as "".
    return from === 0 ? this.list.join("") : this.list.slice(from, this.size).join("")
  }
}

/**
 * `okJsonPaged` for a body under construction: `pieces` hold `OK_JSON_OPEN` and then the data JSON.
 * The meta and closing brace are added and everything is joined once. Same bytes as `okJsonPaged`.
 */
export const okJsonPieces = (
  c: Context<SandboxEnv>,
  pieces: BodyPieces,
  paginationJson: string | undefined,
  status = 200,
): Response => {
  pieces.add(',"meta":')
  pieces.add(metaJson(c, paginationJson))
  pieces.add("}")
  return respond(c, status, pieces.join())
}

/** `JSON.stringify(meta(c, pagination))`, assembled by hand for the hot path. */
const metaJson = (c: Context<SandboxEnv>, paginationJson: string | undefined): string =>
  // Request ids and ISO timestamps never need escaping; the release name might.
  `{"request_id":"${c.get("requestId")}","timestamp":"${isoNow()}","vocab_release":${releaseNameJson(c.get("release").name)}${
    paginationJson === undefined ? "" : `,"pagination":${paginationJson}`
  }}`

let lastReleaseName = ""
let lastReleaseNameJson = '""'

/** `JSON.stringify(name)`, remembered for the last name (nearly every request names the same release). */
const releaseNameJson = (name: string): string => {
  if (name !== lastReleaseName) {
    lastReleaseNameJson = JSON.stringify(name)
    lastReleaseName = name
  }
  return lastReleaseNameJson
}

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
  meta: { request_id: requestId, timestamp: isoNow() },
})
