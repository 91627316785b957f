// The fault matrix: the SDK's behaviour contract (docs/behaviour.md), one row per scripted server
// behaviour, each tried against a GET (concepts.get), a POST safe to replay (concepts.batch), a POST
// that is not (a test-only descriptor) and that POST with an Idempotency-Key. Each variant gets its
// own sandbox so a row's four calls run side by side; the outcome, the number of requests the
// sandbox saw and the wall time are all asserted.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type ClientOptions, type CredentialProvider, fromCallback, isOmopHubError } from "../../src/index.ts"
import { repoRoot } from "../pipeline/support.ts"
import {
  type FaultSpec,
  idempotencyKey,
  routeOf,
  runVariant,
  typedFailure,
  type Variant,
  variants,
} from "./support.ts"

const apiKey = "oh_matrix_key_000001"
const revokedKey = "oh_matrix_revoked_02"
const freshKey = "oh_matrix_fresh_0003"
const unknownKey = "oh_matrix_unknown_04"

/** What one variant must do: succeed or fail with this tag (and code / status / exact message). */
interface Expected {
  readonly outcome:
    | "ok"
    | { readonly tag: string; readonly code?: string; readonly status?: number; readonly message?: string }
  readonly requests: number
  /** Wall-time bounds in ms (lower bounds prove a wait happened; upper ones that it did not). */
  readonly minMs?: number
  readonly maxMs?: number
  /** Extra fields the error must have (e.g. the DecodeError's path). */
  readonly fields?: Readonly<Record<string, unknown>>
}

interface Row {
  readonly name: string
  readonly faults?: (route: string) => ReadonlyArray<FaultSpec>
  readonly options?: Partial<ClientOptions>
  /** A credentials provider instead of the plain key (rotation rows); `sandbox` is the variant's. */
  readonly credentials?: (sandbox: Sandbox) => CredentialProvider
  readonly expect: Readonly<Record<Variant, Expected>>
  /** The row states the contract, and the SDK does not meet it yet (see the comment on the row). */
  readonly knownBug?: string
}

const ok = (requests: number, bounds: Partial<Expected> = {}): Expected => ({
  outcome: "ok",
  requests,
  ...bounds,
})
const fails = (
  tag: string,
  requests: number,
  detail: Omit<Exclude<Expected["outcome"], "ok">, "tag"> = {},
  bounds: Partial<Expected> = {},
): Expected => ({ outcome: { tag, ...detail }, requests, ...bounds })
/** Same expectation for all four variants. */
const all = (expected: Expected): Row["expect"] => ({
  get: expected,
  postSafe: expected,
  postUnsafe: expected,
  postIdempotent: expected,
})
/** Replayed by GET, safe POST and keyed POST; the unsafe POST fails after one request with `unsafe`. */
const replayedUnlessUnsafe = (replayed: Expected, unsafe: Expected): Row["expect"] => ({
  get: replayed,
  postSafe: replayed,
  postUnsafe: unsafe,
  postIdempotent: replayed,
})

const once = (spec: FaultSpec) => (match: string) => [{ ...spec, match, times: 1 } as FaultSpec]
/** A callback provider handing out `keys` in turn (the last repeats), after revoking `revokedKey`. */
const rotating = (keys: ReadonlyArray<string>) => (sandbox: Sandbox) => {
  sandbox.control.revokeKey(revokedKey)
  let calls = 0
  return fromCallback(() => keys[Math.min(calls++, keys.length - 1)])
}
const serverError = (status: number, code: string) =>
  replayedUnlessUnsafe(ok(2, { maxMs: 2500 }), fails("ServerError", 1, { status, code }))

const rows: ReadonlyArray<Row> = [
  {
    name: "429 + Retry-After: 1 (seconds)",
    faults: once({ kind: "status", status: 429, retryAfter: 1 }),
    expect: all(ok(2, { minMs: 950, maxMs: 3000 })),
  },
  {
    name: "429 + Retry-After as an HTTP-date",
    faults: once({ kind: "status", status: 429, retryAfter: { seconds: 1, format: "http-date" } }),
    // The date has 1 s resolution, so the wait is anywhere from 0 to 1 s.
    expect: all(ok(2, { maxMs: 3000 })),
  },
  {
    name: "429 + only rate-limit reset headers (1 s)",
    faults: once({
      kind: "status",
      status: 429,
      headers: { "RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "1" },
    }),
    expect: all(ok(2, { minMs: 950, maxMs: 3000 })),
  },
  {
    name: "429 + Retry-After: 30 beyond maxRetryAfterMs 300",
    faults: once({ kind: "status", status: 429, retryAfter: 30 }),
    options: { maxRetryAfterMs: 300 },
    // Gives up at once with the server's error rather than retrying before the server's time
    // (found by this suite as bug K5).
    expect: all(
      fails(
        "RateLimitError",
        1,
        { status: 429, code: "rate_limit_exceeded" },
        { fields: { retryAfter: 30 } },
      ),
    ),
  },
  {
    name: "429 daily_quota_exceeded",
    faults: once({
      kind: "status",
      status: 429,
      retryAfter: 1,
      body: { success: false, error: { code: "daily_quota_exceeded", message: "Daily quota used up" } },
    }),
    expect: all(
      fails("QuotaExceededError", 1, {
        code: "daily_quota_exceeded",
        status: 429,
        message: "Daily quota used up",
      }),
    ),
  },
  {
    name: "500",
    faults: once({ kind: "status", status: 500 }),
    expect: serverError(500, "internal_server_error"),
  },
  { name: "502", faults: once({ kind: "status", status: 502 }), expect: serverError(502, "bad_gateway") },
  {
    name: "503",
    faults: once({ kind: "status", status: 503 }),
    expect: serverError(503, "service_unavailable"),
  },
  { name: "504", faults: once({ kind: "status", status: 504 }), expect: serverError(504, "gateway_timeout") },
  {
    name: "501",
    faults: once({ kind: "status", status: 501 }),
    expect: all(fails("ServerError", 1, { status: 501, code: "internal_server_error" })),
  },
  {
    name: "408",
    faults: once({ kind: "status", status: 408 }),
    expect: replayedUnlessUnsafe(ok(2, { maxMs: 2500 }), fails("ApiError", 1, { status: 408 })),
  },
  {
    name: "connection reset before headers",
    faults: once({ kind: "reset", phase: "before-headers" }),
    expect: replayedUnlessUnsafe(ok(2, { maxMs: 2500 }), fails("ConnectionError", 1)),
  },
  {
    name: "connection reset after headers",
    faults: once({ kind: "reset", phase: "after-headers" }),
    expect: replayedUnlessUnsafe(ok(2, { maxMs: 2500 }), fails("ConnectionError", 1)),
  },
  {
    name: "hang (timeoutMs 400)",
    faults: once({ kind: "hang" }),
    options: { timeoutMs: 400 },
    expect: all(fails("TimeoutError", 1, {}, { minMs: 390, maxMs: 2000, fields: { timeoutMs: 400 } })),
  },
  {
    name: "slow body within the budget (3 x 60 ms, timeoutMs 1500)",
    faults: once({ kind: "slow-body", chunks: 3, chunkDelayMs: 60 }),
    options: { timeoutMs: 1500 },
    expect: all(ok(1, { minMs: 110 })),
  },
  {
    name: "slow body beyond the budget (5 x 200 ms, timeoutMs 300)",
    faults: once({ kind: "slow-body", chunks: 5, chunkDelayMs: 200 }),
    options: { timeoutMs: 300 },
    expect: all(fails("TimeoutError", 1, {}, { minMs: 290, maxMs: 2000 })),
  },
  {
    name: "truncated body",
    faults: once({ kind: "truncate", sendBytes: 10 }),
    expect: replayedUnlessUnsafe(ok(2, { maxMs: 2500 }), fails("ConnectionError", 1)),
  },
  {
    name: "non-JSON error body (HTML 502), maxRetries 0",
    faults: once({ kind: "body", status: 502, body: "<html><h1>Bad Gateway</h1> upstream oh_leak</html>" }),
    options: { maxRetries: 0 },
    expect: all(fails("ServerError", 1, { status: 502, code: "http_502", message: "HTTP 502 Bad Gateway" })),
  },
  {
    name: "empty error body (500), maxRetries 0",
    faults: once({ kind: "body", status: 500, body: "" }),
    options: { maxRetries: 0 },
    expect: all(
      fails("ServerError", 1, { status: 500, code: "http_500", message: "HTTP 500 Internal Server Error" }),
    ),
  },
  {
    name: "200 with a body that does not match the schema",
    faults: (match) => [
      {
        match,
        kind: "status",
        status: 200,
        body: match.startsWith("GET")
          ? { success: true, data: { concept_id: "201826", concept_name: "x" } }
          : { success: true, data: { concepts: [{ concept_id: "201826", concept_name: "x" }] } },
      },
    ],
    expect: {
      ...all(fails("DecodeError", 1, {}, { fields: { path: "data.concepts[0].concept_id", status: 200 } })),
      get: fails("DecodeError", 1, {}, { fields: { path: "data.concept_id", status: 200 } }),
    },
  },
  {
    name: "200 with a non-JSON body",
    faults: once({ kind: "body", status: 200, body: "<html>maintenance</html>" }),
    expect: all(fails("DecodeError", 1, {}, { fields: { path: undefined, status: 200 } })),
  },
  {
    name: "401 invalid_api_key, provider then returns a new key",
    credentials: rotating([revokedKey, freshKey]),
    expect: all(ok(2)),
  },
  {
    name: "401 invalid_api_key, provider returns the same key",
    credentials: rotating([revokedKey]),
    expect: all(fails("AuthenticationError", 1, { status: 401, code: "invalid_api_key" })),
  },
  {
    name: "401 invalid_api_key twice (the new key is rejected too)",
    credentials: rotating([revokedKey, unknownKey, freshKey]),
    expect: all(fails("AuthenticationError", 2, { status: 401, code: "invalid_api_key" })),
  },
  {
    name: "503 every time, maxRetries 2 (Retry-After: 0)",
    faults: (match) => [{ match, kind: "status", status: 503, retryAfter: 0, times: 10 }],
    options: { maxRetries: 2 },
    expect: replayedUnlessUnsafe(
      fails("ServerError", 3, { status: 503, code: "service_unavailable" }),
      fails("ServerError", 1, { status: 503, code: "service_unavailable" }),
    ),
  },
  {
    name: "429 every time, maxRetries 2 (Retry-After: 0)",
    faults: (match) => [{ match, kind: "status", status: 429, retryAfter: 0, times: 10 }],
    options: { maxRetries: 2 },
    // A 429 means the server declined before doing anything: even the unsafe POST is replayed.
    expect: all(fails("RateLimitError", 3, { status: 429, code: "rate_limit_exceeded" })),
  },
]

const sandboxes = {} as Record<Variant, Sandbox>

beforeAll(async () => {
  for (const variant of variants) {
    sandboxes[variant] = await start({ keys: [apiKey, revokedKey, freshKey] })
  }
  // Warm-up, so the first row does not pay for module and connection set-up.
  await Promise.all(variants.map((v) => runVariant(v, { apiKey, baseUrl: sandboxes[v].url })))
})
afterAll(async () => {
  await Promise.all(variants.map((v) => sandboxes[v].close()))
})
beforeEach(() => {
  for (const variant of variants) sandboxes[variant].control.reset()
})

const runRow = async (row: Row, variant: Variant) => {
  const sandbox = sandboxes[variant]
  if (row.faults) sandbox.control.fault([...row.faults(routeOf(variant))])
  const options: ClientOptions = {
    baseUrl: sandbox.url,
    ...(row.credentials ? { credentials: row.credentials(sandbox) } : { apiKey }),
    ...row.options,
  }
  const started = performance.now()
  const exit = await runVariant(variant, options)
  return { exit, elapsedMs: performance.now() - started, requests: sandbox.requests() }
}

describe("fault matrix", () => {
  const check = async (row: Row) => {
    const results = await Promise.all(variants.map((variant) => runRow(row, variant)))
    variants.forEach((variant, index) => {
      const { exit, elapsedMs, requests } = results[index]!
      const expected = row.expect[variant]
      const where = `${row.name} / ${variant}`
      const error = typedFailure(exit)
      if (expected.outcome === "ok") {
        expect(error, where).toBeUndefined()
        expect(Exit.isSuccess(exit), where).toBe(true)
      } else {
        expect(isOmopHubError(error), `${where}: ${String(error)}`).toBe(true)
        const { tag, ...fields } = expected.outcome
        expect(error, where).toMatchObject({ _tag: tag, ...fields, ...expected.fields })
      }
      expect(requests.length, `${where}: requests sent`).toBe(expected.requests)
      if (expected.minMs !== undefined)
        expect(elapsedMs, `${where}: elapsed`).toBeGreaterThanOrEqual(expected.minMs)
      if (expected.maxMs !== undefined) expect(elapsedMs, `${where}: elapsed`).toBeLessThan(expected.maxMs)
      // The keyed POST sends the same Idempotency-Key on every attempt; the others send none.
      const keys = requests.map((r) => r.headers["idempotency-key"])
      expect(keys, where).toEqual(keys.map(() => (variant === "postIdempotent" ? idempotencyKey : undefined)))
    })
  }
  it.each(rows.filter((row) => row.knownBug === undefined))("$name", check)
  it.fails.each(rows.filter((row) => row.knownBug !== undefined))("$knownBug: $name", check)

  it("docs/behaviour.md has a row for every case of this table", () => {
    const doc = readFileSync(path.join(repoRoot, "docs/behaviour.md"), "utf8")
    for (const row of rows) expect(doc, row.name).toContain(`| ${row.name} |`)
  })
})
