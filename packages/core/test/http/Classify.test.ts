import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import {
  ConfigurationError,
  ConnectionError,
  CredentialsError,
  DecodeError,
  type OmopHubError,
  TimeoutError,
  ValidationError,
} from "../../src/Errors.ts"
import { classifyResponse, isRetryable, type RetryRequest } from "../../src/http/Classify.ts"

const nowMs = Date.UTC(2026, 0, 1, 12, 0, 0)
const envelope = (error: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ success: false, error, ...extra })
const classify = (status: number, body = "", headers: Record<string, string> = {}) =>
  classifyResponse({ status, headers, body, operation: "concepts.get", nowMs })

const get: RetryRequest = { method: "GET", safeToReplay: true, hasIdempotencyKey: false }
const post: RetryRequest = { method: "POST", safeToReplay: false, hasIdempotencyKey: false }
const postWithKey: RetryRequest = { method: "POST", safeToReplay: false, hasIdempotencyKey: true }
const postSafe: RetryRequest = { method: "POST", safeToReplay: true, hasIdempotencyKey: false }

describe("classifyResponse", () => {
  it("returns undefined for 2xx", () => {
    for (const status of [200, 201, 204, 299]) expect(classify(status, "{}")).toBeUndefined()
  })

  it("maps a 404 envelope with details and request id", () => {
    const error = classify(
      404,
      envelope({ code: "not_found", message: "Concept not found", details: { concept_id: 999999999 } }),
      { "x-request-id": "req_abc" },
    )
    expect(error).toMatchObject({
      _tag: "NotFoundError",
      status: 404,
      code: "not_found",
      message: "Concept not found",
      details: { concept_id: 999999999 },
      requestId: "req_abc",
      operation: "concepts.get",
      retryable: false,
    })
  })

  it.each([
    [401, "missing_api_key", "AuthenticationError"],
    [401, undefined, "AuthenticationError"],
    [403, "invalid_api_key", "AuthenticationError"],
    [403, "missing_api_key", "AuthenticationError"],
    [403, "unauthorized", "AuthenticationError"],
    [403, "restricted_api_key", "AuthenticationError"],
    [403, "forbidden", "PermissionDeniedError"],
    [403, "vocabulary_restricted", "PermissionDeniedError"],
    [403, undefined, "PermissionDeniedError"],
    [404, "concept_not_found", "NotFoundError"],
    [400, "validation_error", "InvalidRequestError"],
    [400, "unknown_system", "InvalidRequestError"],
    [422, "healthcare_data_error", "InvalidRequestError"],
    [429, "daily_quota_exceeded", "QuotaExceededError"],
    [429, "tier_limit_exceeded", "QuotaExceededError"],
    [405, "method_not_allowed", "ApiError"],
    [409, "conflict", "ApiError"],
    [418, undefined, "ApiError"],
    [302, undefined, "ApiError"],
    [100, undefined, "ApiError"],
    [501, undefined, "ServerError"],
    [505, undefined, "ServerError"],
    [599, undefined, "ServerError"],
  ])("%i %s => %s, not retryable", (status, code, tag) => {
    const error = classify(status, code === undefined ? "" : envelope({ code, message: "m" }))
    expect(error?._tag).toBe(tag)
    expect(error?.code).toBe(code ?? `http_${status}`)
    expect(error?.retryable).toBe(false)
  })

  it.each([
    [429, "rate_limit_exceeded", "RateLimitError"],
    [429, undefined, "RateLimitError"],
    [408, undefined, "ApiError"],
    [500, "internal_server_error", "ServerError"],
    [502, undefined, "ServerError"],
    [503, "service_unavailable", "ServerError"],
    [504, undefined, "ServerError"],
  ])("%i %s => %s, retryable", (status, code, tag) => {
    const error = classify(status, code === undefined ? "" : envelope({ code, message: "m" }))
    expect(error?._tag).toBe(tag)
    expect(error?.retryable).toBe(true)
  })

  it("reads Retry-After seconds and HTTP-dates on any status", () => {
    expect(classify(429, envelope({ code: "rate_limit_exceeded" }), { "retry-after": "3" })?.retryAfter).toBe(
      3,
    )
    expect(classify(503, "", { "retry-after": "Thu, 01 Jan 2026 12:00:30 GMT" })?.retryAfter).toBe(30)
    expect(classify(503, "", { "retry-after": "later" })?.retryAfter).toBeUndefined()
  })

  it("gives a clean message and no raw body for an HTML 502", () => {
    const html = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    const error = classify(502, html)
    expect(error).toMatchObject({ _tag: "ServerError", message: "HTTP 502 Bad Gateway", code: "http_502" })
    expect(JSON.stringify(error)).not.toContain("nginx")
    expect(JSON.stringify(error)).not.toContain("<html")
  })

  it("gives a clean message for an empty 500 and an unknown status", () => {
    expect(classify(500, "")).toMatchObject({ message: "HTTP 500 Internal Server Error", code: "http_500" })
    expect(classify(599, "  ")).toMatchObject({ message: "HTTP 599", code: "http_599" })
  })

  it.each([
    [
      "error.name instead of code",
      envelope({ name: "bad_request", message: "Malformed" }),
      "bad_request",
      "Malformed",
    ],
    ["error as a plain string", JSON.stringify({ error: "Something broke" }), "http_400", "Something broke"],
    ["top-level message", JSON.stringify({ message: "Top message" }), "http_400", "Top message"],
    ["top-level detail", JSON.stringify({ detail: "Detail text" }), "http_400", "Detail text"],
    ["an unknown server code", envelope({ code: "brand_new_code", message: "New" }), "brand_new_code", "New"],
    ["code without message", envelope({ code: "search_error" }), "search_error", "HTTP 400 Bad Request"],
    ["a JSON array", "[1,2]", "http_400", "HTTP 400 Bad Request"],
    ["JSON null", "null", "http_400", "HTTP 400 Bad Request"],
    ["a JSON string", '"oops"', "http_400", "HTTP 400 Bad Request"],
    ["truncated JSON", '{"error": {"code": "bad', "http_400", "HTTP 400 Bad Request"],
    ["empty strings", envelope({ code: "", message: " " }), "http_400", "HTTP 400 Bad Request"],
  ])("reads %s leniently", (_, body, code, message) => {
    expect(classify(400, body)).toMatchObject({ _tag: "InvalidRequestError", code, message })
  })

  it("keeps a structured top-level detail as details", () => {
    const detail = [{ loc: ["query", "page_size"], msg: "too large" }]
    expect(classify(422, JSON.stringify({ detail }))?.details).toEqual(detail)
  })

  it("redacts an API key or bearer token the server echoes", () => {
    const error = classify(
      403,
      envelope({
        code: "invalid_api_key",
        message: "Key oh_live_9f8e7d6c5b4a is not valid",
        details: { received: ["Bearer oh_live_9f8e7d6c5b4a"], hint: "check the key" },
      }),
    )
    expect(error?.message).toBe("Key oh_[redacted] is not valid")
    expect(error?.details).toEqual({ received: ["Bearer [redacted]"], hint: "check the key" })
    expect(JSON.stringify(error)).not.toContain("9f8e7d6c5b4a")
  })

  it("takes the request id from the header first, then meta.request_id", () => {
    const body = envelope({ code: "not_found" }, { meta: { request_id: "req_meta" } })
    expect(classify(404, body)?.requestId).toBe("req_meta")
    expect(classify(404, body, { "x-request-id": "req_header" })?.requestId).toBe("req_header")
    expect(classify(404, body, { "X-Request-Id": "req_mixed" })?.requestId).toBe("req_mixed")
  })

  // The rule, written independently of the implementation.
  const expectedRetryable = (status: number, code: string) =>
    [408, 500, 502, 503, 504].includes(status) ||
    (status === 429 && code !== "daily_quota_exceeded" && code !== "tier_limit_exceeded")

  const bodies = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record({
        code: fc.constantFrom(
          "not_found",
          "rate_limit_exceeded",
          "daily_quota_exceeded",
          "invalid_api_key",
          "x",
        ),
        message: fc.string(),
      })
      .map((error) => envelope(error)),
  )

  it("is total over any status and body, and its retryable flags follow the rules", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1100 }), bodies, fc.string(), (status, body, retryAfter) => {
        const error = classifyResponse({
          status,
          body,
          headers: { "retry-after": retryAfter },
          operation: "op",
          nowMs,
        })
        if (status >= 200 && status <= 299) return error === undefined
        if (error === undefined) return false
        return (
          error.status === status &&
          error.code.length > 0 &&
          error.message.length > 0 &&
          error.retryable === expectedRetryable(status, error.code) &&
          (error.retryAfter === undefined || error.retryAfter >= 0)
        )
      }),
    )
  })

  it("decides retries by method as the rules say, for any classified error", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 599 }),
        bodies,
        fc.constantFrom<"GET" | "POST">("GET", "POST"),
        fc.boolean(),
        fc.boolean(),
        (status, body, method, safeToReplay, hasIdempotencyKey) => {
          const error = classifyResponse({ status, body, headers: {}, operation: "op", nowMs })!
          const request = { method, safeToReplay, hasIdempotencyKey }
          const expected =
            error._tag === "QuotaExceededError"
              ? false
              : method === "GET" || error._tag === "RateLimitError"
                ? error.retryable
                : error.retryable && (safeToReplay || hasIdempotencyKey)
          return isRetryable(error, request) === expected
        },
      ),
    )
  })
})

describe("isRetryable", () => {
  const server503 = classify(503)!
  const rateLimited = classify(429, envelope({ code: "rate_limit_exceeded" }))!
  const connection = new ConnectionError({ message: "reset", retryable: true })

  it("retries GET on any retryable error", () => {
    expect(isRetryable(server503, get)).toBe(true)
    expect(isRetryable(rateLimited, get)).toBe(true)
    expect(isRetryable(connection, get)).toBe(true)
    expect(isRetryable(classify(408)!, get)).toBe(true)
  })

  it("retries POST on 429 always, on 5xx/408/connection only when safe to replay or keyed", () => {
    expect(isRetryable(rateLimited, post)).toBe(true)
    for (const error of [server503, connection, classify(408)!]) {
      expect(isRetryable(error, post)).toBe(false)
      expect(isRetryable(error, postWithKey)).toBe(true)
      expect(isRetryable(error, postSafe)).toBe(true)
    }
  })

  it("never retries what cannot succeed", () => {
    const never: ReadonlyArray<OmopHubError> = [
      classify(429, envelope({ code: "daily_quota_exceeded" }))!,
      classify(501)!,
      classify(404)!,
      classify(400)!,
      classify(401)!,
      new TimeoutError({ message: "budget", timeoutMs: 1000, retryable: true }),
      new DecodeError({ message: "bad body", retryable: true }),
      new ValidationError({ message: "bad input", issues: [], retryable: true }),
      new ConfigurationError({ message: "bad url", retryable: true }),
      new CredentialsError({ message: "no key", attempts: [], retryable: true }),
    ]
    for (const error of never) {
      for (const request of [get, post, postWithKey, postSafe])
        expect(isRetryable(error, request)).toBe(false)
    }
  })
})
