/**
 * Turns an HTTP response into the SDK's error family, and decides whether a failed request may be
 * sent again.
 *
 * Status mapping (`classifyResponse`):
 * - 2xx: not an error (`undefined`).
 * - 401: `AuthenticationError`; 403 with code `invalid_api_key`, `missing_api_key`, `unauthorized` or
 *   `restricted_api_key`: `AuthenticationError`; any other 403: `PermissionDeniedError`.
 * - 404: `NotFoundError`. 400 and 422: `InvalidRequestError`.
 * - 429 with code `daily_quota_exceeded` or `tier_limit_exceeded`: `QuotaExceededError` (not
 *   retryable); any other 429: `RateLimitError` (retryable).
 * - 408: `ApiError`, retryable. 500, 502, 503, 504: `ServerError`, retryable; other 5xx (501, 505…):
 *   `ServerError`, not retryable. Anything else (1xx, 3xx, 405, 409…): `ApiError`, not retryable.
 * - 413, 414 and 431 (the request body, URL or headers exceed a server's or proxy's limit, e.g. a very
 *   long search query in a GET URL): `ApiError`, not retryable, code `request_too_large` (unless the
 *   body names one) and, when the body has no message, one that says which part is too large and to
 *   shorten it, since sending it again as is cannot succeed.
 *
 * The error body is read leniently: `error.code` (or `error.name`), `error.message`,
 * `error.details`, `error` as a plain string, top-level `message` or `detail`. An unknown server code
 * is kept as is; without one the code is `http_<status>`. A body that is not a JSON envelope (an HTML
 * 502 page, an empty 500) yields the message `HTTP <status> <reason>`: raw bodies never go into
 * errors, since they can be large, unhelpful and may echo request data. Anything in a server message
 * or `details` that looks like an API key (`oh_…`) or a bearer token is redacted.
 *
 * @module
 */

import {
  ApiError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  type OmopHubError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  type ResponseErrorFields,
  ServerError,
} from "../Errors.ts"
import { redactSecrets } from "../Redaction.ts"
import { clientRateLimitedCode } from "./RateLimitGate.ts"
import { parseRetryAfter } from "./RetryAfter.ts"

/** The errors `classifyResponse` can produce: those that come from an HTTP response. */
export type ResponseError =
  | AuthenticationError
  | PermissionDeniedError
  | NotFoundError
  | InvalidRequestError
  | RateLimitError
  | QuotaExceededError
  | ServerError
  | ApiError

/** The parts of an HTTP response (and its request) that `classifyResponse` reads. */
export interface ClassifyInput {
  /** The HTTP status code. */
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The response body as text; only a JSON error envelope in it is used. */
  readonly body: string
  /** The operation that was called, e.g. `concepts.get`. */
  readonly operation: string
  /** Current time (epoch ms), to turn an HTTP-date `Retry-After` into a wait. */
  readonly nowMs: number
  /** The key the request carried: a server echoing it back must not put it in the error. */
  readonly secret?: string | undefined
}

/** 403 codes that mean "the key is bad", as opposed to "the key may not do this". */
export const authenticationCodes: ReadonlySet<string> = new Set([
  "invalid_api_key",
  "missing_api_key",
  "unauthorized",
  "restricted_api_key",
])

/** 429 codes that waiting a few seconds does not fix. */
export const quotaCodes: ReadonlySet<string> = new Set(["daily_quota_exceeded", "tier_limit_exceeded"])

/** Statuses worth sending again (given the method allows it). */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

const reasonPhrases: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
}

/** Code of the error for a 413, 414 or 431 response without a code of its own. */
export const requestTooLargeCode = "request_too_large"

/** Which part of the request each "too large" status complains about. */
const tooLargeParts: Readonly<Record<number, string>> = {
  413: "the request body exceeds the server's limit: send less data per call",
  414: "the URL exceeds the server's limit: shorten the query or other parameters",
  431: "the URL or headers exceed the server's limit: shorten the query or other parameters",
}

/** A clean fallback message such as `HTTP 502 Bad Gateway`. */
export const statusText = (status: number): string => {
  const reason = reasonPhrases[status]
  return reason === undefined ? `HTTP ${status}` : `HTTP ${status} ${reason}`
}

interface Envelope {
  readonly code?: string | undefined
  readonly message?: string | undefined
  readonly details?: unknown
  readonly requestId?: string | undefined
}

const redactDeep = (value: unknown, secret: string | undefined, depth = 0): unknown => {
  if (typeof value === "string") return redactSecrets(value, secret)
  if (depth > 8 || typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secret, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      redactSecrets(key, secret),
      redactDeep(item, secret, depth + 1),
    ]),
  )
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const nonEmptyString = (u: unknown): string | undefined =>
  typeof u === "string" && u.trim() !== "" ? u.trim() : undefined

/** Reads whatever error information a body holds; never throws. */
const readEnvelope = (body: string): Envelope => {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return {}
  }
  if (!isRecord(parsed)) return {}
  const error = parsed.error
  const meta = parsed.meta
  const requestId = isRecord(meta) ? nonEmptyString(meta.request_id) : undefined
  let code: string | undefined
  let message: string | undefined
  let details: unknown
  if (isRecord(error)) {
    code = nonEmptyString(error.code) ?? nonEmptyString(error.name)
    message = nonEmptyString(error.message)
    details = error.details
  } else {
    message = nonEmptyString(error)
  }
  message ??= nonEmptyString(parsed.message) ?? nonEmptyString(parsed.detail)
  // FastAPI-style `detail` can be a list of issues; keep it as details rather than drop it.
  if (details === undefined && parsed.detail !== undefined && typeof parsed.detail !== "string") {
    details = parsed.detail
  }
  return { code, message, details, requestId }
}

const headerValue = (headers: Readonly<Record<string, string>>, name: string): string | undefined => {
  const exact = headers[name]
  if (exact !== undefined) return exact
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key]
  }
  return undefined
}

/** The error for a non-2xx response, or `undefined` for 2xx. Total: never throws, whatever the input. */
export const classifyResponse = (input: ClassifyInput): ResponseError | undefined => {
  const { status } = input
  if (status >= 200 && status <= 299) return undefined
  const envelope = readEnvelope(input.body)
  const tooLarge = tooLargeParts[status]
  const code = envelope.code ?? (tooLarge === undefined ? `http_${status}` : requestTooLargeCode)
  const retryAfterMs = parseRetryAfter(headerValue(input.headers, "retry-after"), input.nowMs)
  const requestId = nonEmptyString(headerValue(input.headers, "x-request-id")) ?? envelope.requestId
  const fields = (retryable: boolean): ResponseErrorFields => ({
    message:
      envelope.message !== undefined
        ? redactSecrets(envelope.message, input.secret)
        : tooLarge !== undefined
          ? `Request too large (${statusText(status)}): ${tooLarge}.`
          : statusText(status),
    status,
    code,
    ...(envelope.details !== undefined ? { details: redactDeep(envelope.details, input.secret) } : {}),
    requestId,
    retryAfter: retryAfterMs === undefined ? undefined : retryAfterMs / 1000,
    operation: input.operation,
    retryable,
  })
  switch (status) {
    case 401:
      return new AuthenticationError(fields(false))
    case 403:
      return authenticationCodes.has(code)
        ? new AuthenticationError(fields(false))
        : new PermissionDeniedError(fields(false))
    case 404:
      return new NotFoundError(fields(false))
    case 400:
    case 422:
      return new InvalidRequestError(fields(false))
    case 429:
      return quotaCodes.has(code) ? new QuotaExceededError(fields(false)) : new RateLimitError(fields(true))
    case 408:
      return new ApiError(fields(true))
  }
  if (status >= 500 && status <= 599) return new ServerError(fields(retryableStatuses.has(status)))
  return new ApiError(fields(false))
}

/** What the retry decision needs to know about the request. */
export interface RetryRequest {
  /** The HTTP method: a GET may always be sent again, a POST only when safe or idempotent. */
  readonly method: "GET" | "POST"
  /** The operation has no side effects (every OMOPHub POST is a read-style computation). */
  readonly safeToReplay: boolean
  /** The request carries an `Idempotency-Key` that stays the same on every attempt. */
  readonly hasIdempotencyKey: boolean
}

/**
 * Whether `error` may be answered by sending `request` again:
 * - never: `TimeoutError` (the call's whole budget is spent), `QuotaExceededError`, `DecodeError`,
 *   `ValidationError`, `ConfigurationError`, `CredentialsError`, any error whose `retryable` is false
 *   (the other 4xx, 501/505), and the client's own rate-limit gate refusing (`RateLimitError` with code
 *   `client_rate_limited`): the gate has already decided that this call fails now rather than waiting
 *   for the reset (`onRateLimitExhausted: "fail"`, a reset beyond the longest wait, or one past the
 *   deadline), so a retry that waits for the reset would undo that decision. The error stays
 *   `retryable` for the caller: no request was sent, so sending it again later is safe;
 * - GET: any error whose `retryable` is true (a server 429, 408, 500/502/503/504, `ConnectionError`);
 * - POST: a server 429 (`RateLimitError`) always (the server declined before processing);
 *   408, 5xx and `ConnectionError` only when the request is `safeToReplay` or `hasIdempotencyKey`.
 */
export const isRetryable = (error: OmopHubError, request: RetryRequest): boolean => {
  switch (error._tag) {
    case "TimeoutError":
    case "QuotaExceededError":
    case "DecodeError":
    case "ValidationError":
    case "ConfigurationError":
    case "CredentialsError":
      return false
  }
  if (!error.retryable) return false
  if (error._tag === "RateLimitError" && error.code === clientRateLimitedCode) return false
  if (request.method === "GET") return true
  if (error._tag === "RateLimitError") return true
  if (error._tag === "ServerError" || error._tag === "ApiError" || error._tag === "ConnectionError") {
    return request.safeToReplay || request.hasIdempotencyKey
  }
  return false
}

export { redactSecrets }
