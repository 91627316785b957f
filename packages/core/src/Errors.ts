/**
 * The SDK's one error family. Every failure an operation can produce is one of these classes,
 * each with a distinct `_tag` (for `Effect.catchTag`) and a `retryable` flag. None of them ever
 * holds an API key: constructors take plain data, never request headers or raw transport objects.
 *
 * @module
 */
import * as Data from "effect/Data"

/** Fields shared by the errors that come from an HTTP response of the API. */
export interface ResponseErrorFields {
  readonly message: string
  /** HTTP status of the response. */
  readonly status: number
  /** The server's `error.code` (kept even when the SDK does not know it), or `http_<status>` when the body had none. */
  readonly code: string
  /** The server's `error.details`, when present. */
  readonly details?: unknown
  /** The request id from `x-request-id` or `meta.request_id`, for support tickets. */
  readonly requestId?: string | undefined
  /** Seconds the server asked the client to wait (`Retry-After`), when given. */
  readonly retryAfter?: number | undefined
  /** The operation that failed, e.g. `concepts.get`. */
  readonly operation?: string | undefined
  /** Whether retrying the same request may succeed. */
  readonly retryable: boolean
}

/** 401, or 403 with an authentication code: the key is missing, invalid, expired or revoked. */
export class AuthenticationError extends Data.TaggedError("AuthenticationError")<ResponseErrorFields> {}

/** 403 other than authentication: the key may not use this resource (e.g. a licence-restricted vocabulary). */
export class PermissionDeniedError extends Data.TaggedError("PermissionDeniedError")<ResponseErrorFields> {}

/** 404: the concept, code, vocabulary or route does not exist (in the selected release). */
export class NotFoundError extends Data.TaggedError("NotFoundError")<ResponseErrorFields> {}

/** 400 or 422: the server rejected the request's parameters. */
export class InvalidRequestError extends Data.TaggedError("InvalidRequestError")<ResponseErrorFields> {}

/** 429 `rate_limit_exceeded`: too many requests in the current window; waiting helps. */
export class RateLimitError extends Data.TaggedError("RateLimitError")<ResponseErrorFields> {}

/** 429 `daily_quota_exceeded`: the key's quota is used up; waiting a few seconds does not help. */
export class QuotaExceededError extends Data.TaggedError("QuotaExceededError")<ResponseErrorFields> {}

/** 5xx: the server failed. */
export class ServerError extends Data.TaggedError("ServerError")<ResponseErrorFields> {}

/** Any other error status (405, 409, 418, ...). */
export class ApiError extends Data.TaggedError("ApiError")<ResponseErrorFields> {}

/** The call's time budget (all attempts and waits) ran out. Distinct from the caller's own abort. */
export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly message: string
  readonly timeoutMs: number
  readonly operation?: string | undefined
  readonly retryable: boolean
}> {}

/** The request did not get a complete HTTP response: refused, reset, DNS failure, truncated body. */
export class ConnectionError extends Data.TaggedError("ConnectionError")<{
  readonly message: string
  readonly operation?: string | undefined
  /** A sanitised description of the underlying failure (name and message only). */
  readonly causeDescription?: string | undefined
  readonly retryable: boolean
}> {}

/** The response arrived but its body did not match what the operation expects. */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly message: string
  readonly operation?: string | undefined
  readonly status?: number | undefined
  readonly requestId?: string | undefined
  /** Where in the body the mismatch is, e.g. `data.concept_id`. */
  readonly path?: string | undefined
  readonly retryable: boolean
}> {}

/** The client is configured wrongly (bad base URL, insecure URL, bad option). Raised before any request. */
export class ConfigurationError extends Data.TaggedError("ConfigurationError")<{
  readonly message: string
  readonly retryable: boolean
}> {}

/** One problem found in a caller's input. */
export interface ValidationIssue {
  /** Where the bad value is, e.g. `conceptIds[3]`. */
  readonly path: string
  readonly message: string
}

/** The caller's input is invalid. Raised before any request is sent. */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly message: string
  readonly operation?: string | undefined
  readonly issues: ReadonlyArray<ValidationIssue>
  readonly retryable: boolean
}> {}

/** One credential provider consulted while looking for a key, and why it gave none. */
export interface CredentialAttempt {
  readonly provider: string
  readonly reason: string
}

/** No usable API key: nothing yielded one, or a provider is misconfigured. Never contains a key. */
export class CredentialsError extends Data.TaggedError("CredentialsError")<{
  readonly message: string
  readonly attempts: ReadonlyArray<CredentialAttempt>
  readonly retryable: boolean
}> {}

/**
 * A page walk (`<name>Iter`, `<name>Pages`, `<name>All`) could not go on: the server made no progress
 * (`no_progress`: an empty page still saying `has_next`, or the same page twice), or a stream hit its
 * `maxPages` cap with pages left (`max_pages`; the eager `<name>All` reports `complete: false` instead).
 */
export class PaginationError extends Data.TaggedError("PaginationError")<{
  readonly message: string
  readonly reason: "no_progress" | "max_pages"
  readonly operation?: string | undefined
  /** The page number at which the walk stopped. */
  readonly page: number
  readonly pagesFetched: number
  readonly retryable: boolean
}> {}

/** Every error an OMOPHub operation can fail with. */
export type OmopHubError =
  | AuthenticationError
  | PermissionDeniedError
  | NotFoundError
  | InvalidRequestError
  | RateLimitError
  | QuotaExceededError
  | ServerError
  | ApiError
  | TimeoutError
  | ConnectionError
  | DecodeError
  | ConfigurationError
  | ValidationError
  | CredentialsError
  | PaginationError

/** The `_tag` of every member of {@link OmopHubError}. */
export const errorTags = [
  "AuthenticationError",
  "PermissionDeniedError",
  "NotFoundError",
  "InvalidRequestError",
  "RateLimitError",
  "QuotaExceededError",
  "ServerError",
  "ApiError",
  "TimeoutError",
  "ConnectionError",
  "DecodeError",
  "ConfigurationError",
  "ValidationError",
  "CredentialsError",
  "PaginationError",
] as const satisfies ReadonlyArray<OmopHubError["_tag"]>

/** True for any error of the SDK's family. */
export const isOmopHubError = (u: unknown): u is OmopHubError =>
  typeof u === "object" &&
  u !== null &&
  "_tag" in u &&
  (errorTags as ReadonlyArray<unknown>).includes((u as { _tag: unknown })._tag)
