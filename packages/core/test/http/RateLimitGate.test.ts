import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import { classifyResponse } from "../../src/http/Classify.ts"
import { makeRateLimitGate } from "../../src/http/RateLimitGate.ts"
import {
  makeMemoryStore,
  RateLimitStore,
  type RateLimitStoreShape,
  readRateLimitHeaders,
} from "../../src/http/RateLimitState.ts"
import { retrying } from "../../src/http/RetryPolicy.ts"

const fp = "fingerprint-1"

/** A fake send that records the Clock time it started at and how many sends overlap. */
const recorder = (durationMs = 0) => {
  const starts: Array<number> = []
  let inFlight = 0
  let maxInFlight = 0
  const send = Effect.gen(function* () {
    starts.push(yield* Clock.currentTimeMillis)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    yield* Effect.sleep(durationMs)
    inFlight--
    return "sent" as const
  })
  return { send, starts, maxInFlight: () => maxInFlight }
}

const withStore = (store: RateLimitStoreShape) => Effect.provideService(RateLimitStore, store)

describe("makeRateLimitGate", () => {
  it.effect("waits until the reset when the budget is used up", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update(fp, { limit: 2, remaining: 0, resetAt: 5000, observedAt: 0 })
      const gate = makeRateLimitGate()
      const { send, starts } = recorder()
      const fiber = yield* gate.withPermit(fp, send).pipe(withStore(store), Effect.forkChild)
      yield* TestClock.adjust(4999)
      assert.deepStrictEqual(starts, [])
      yield* TestClock.adjust(1)
      assert.strictEqual(yield* Fiber.join(fiber), "sent")
      assert.deepStrictEqual(starts, [5000])
    }),
  )

  it.effect("lets 32 concurrent callers against remaining = 5 send at most 5 per window", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update(fp, { limit: 5, remaining: 5, resetAt: 1000, windowMs: 1000, observedAt: 0 })
      const gate = makeRateLimitGate({ concurrency: 8 })
      const { send, starts } = recorder(50)
      const fiber = yield* Effect.all(
        Array.from({ length: 32 }, () => gate.withPermit(fp, send)),
        { concurrency: "unbounded" },
      ).pipe(withStore(store), Effect.forkChild)
      yield* TestClock.adjust(10_000)
      assert.strictEqual((yield* Fiber.join(fiber)).length, 32)
      const perWindow = new Map<number, number>()
      for (const start of starts)
        perWindow.set(Math.floor(start / 1000), (perWindow.get(Math.floor(start / 1000)) ?? 0) + 1)
      assert.deepStrictEqual(
        [...perWindow.entries()],
        [
          [0, 5],
          [1, 5],
          [2, 5],
          [3, 5],
          [4, 5],
          [5, 5],
          [6, 2],
        ],
      )
    }),
  )

  it.effect("holds at most `concurrency` attempts in flight", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update(fp, { limit: 100, remaining: 100, resetAt: 60_000, observedAt: 0 })
      const gate = makeRateLimitGate({ concurrency: 2 })
      const { send, starts, maxInFlight } = recorder(100)
      const fiber = yield* Effect.all(
        Array.from({ length: 6 }, () => gate.withPermit(fp, send)),
        { concurrency: "unbounded" },
      ).pipe(withStore(store), Effect.forkChild)
      yield* TestClock.adjust(1000)
      yield* Fiber.join(fiber)
      assert.strictEqual(maxInFlight(), 2)
      assert.deepStrictEqual(starts, [0, 0, 100, 100, 200, 200])
    }),
  )

  it.effect("sends one probe while the budget is unknown, then stops holding callers back", () =>
    Effect.gen(function* () {
      // An API that sends no rate-limit headers: after the probe nothing is learnt, and nobody waits for it.
      const gate = makeRateLimitGate({ concurrency: 8 })
      const { send, starts, maxInFlight } = recorder(100)
      const fiber = yield* Effect.all(
        Array.from({ length: 17 }, () => gate.withPermit(fp, send)),
        { concurrency: "unbounded" },
      ).pipe(withStore(makeMemoryStore()), Effect.forkChild)
      yield* TestClock.adjust(1000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, ...Array(8).fill(100), ...Array(8).fill(200)])
      assert.strictEqual(maxInFlight(), 8)
    }),
  )

  it.effect("paces attempt starts to requestsPerSecond", () =>
    Effect.gen(function* () {
      const gate = makeRateLimitGate({ requestsPerSecond: 4 })
      const { send, starts } = recorder()
      const fiber = yield* Effect.all(
        Array.from({ length: 5 }, () => gate.withPermit(fp, send)),
        { concurrency: "unbounded" },
      ).pipe(withStore(makeMemoryStore()), Effect.forkChild)
      yield* TestClock.adjust(5000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 250, 500, 750, 1000])
    }),
  )

  it.effect(
    "fails fast with client_rate_limited when told to, or when the reset is too far or past the deadline",
    () =>
      Effect.gen(function* () {
        const store = makeMemoryStore()
        yield* store.update(fp, { remaining: 0, resetAt: 3000, observedAt: 0 })
        const { send, starts } = recorder()
        const refusals = [
          makeRateLimitGate({ onExhausted: "fail" }).withPermit(fp, send, { operation: "concepts.get" }),
          makeRateLimitGate({ maxWaitMs: 2000 }).withPermit(fp, send),
          makeRateLimitGate().withPermit(fp, send, { deadline: 3000 }),
        ]
        for (const refused of refusals) {
          const error = yield* refused.pipe(withStore(store), Effect.flip)
          assert.strictEqual(error._tag, "RateLimitError")
          assert.strictEqual(error.code, "client_rate_limited")
          assert.strictEqual(error.status, 429)
          assert.strictEqual(error.retryAfter, 3)
          assert.isTrue(error.retryable)
        }
        assert.deepStrictEqual(starts, [])
        assert.strictEqual(yield* Clock.currentTimeMillis, 0)
      }),
  )

  it.effect('a refusal is not retried by the retry policy: under "fail" the call fails at once', () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update(fp, { remaining: 0, resetAt: 3000, observedAt: 0 })
      const gate = makeRateLimitGate({ onExhausted: "fail" })
      const { send, starts } = recorder()
      for (const method of ["GET", "POST"] as const) {
        const error = yield* retrying(gate.withPermit(fp, send), {
          maxRetries: 2,
          request: { method, safeToReplay: false, hasIdempotencyKey: false },
        }).pipe(withStore(store), Effect.flip)
        assert.strictEqual(error.code, "client_rate_limited")
        assert.strictEqual(error.retryAfter, 3)
      }
      assert.deepStrictEqual(starts, [])
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
    }),
  )

  it.effect("once a response has taught the limit, concurrent callers provoke no further 429s", () =>
    Effect.gen(function* () {
      // A fake API: fixed 1 s windows of 5 requests, 50 ms per response, headers as OMOPHub sends them.
      const limit = 5
      const served = new Map<number, number>()
      let rejected = 0
      const api = Effect.gen(function* () {
        const sentAt = yield* Clock.currentTimeMillis
        const window = Math.floor(sentAt / 1000)
        const used = (served.get(window) ?? 0) + 1
        served.set(window, used)
        yield* Effect.sleep(50)
        const now = yield* Clock.currentTimeMillis
        const reset = String(Math.max(0, Math.ceil(((window + 1) * 1000 - now) / 1000)))
        const over = used > limit
        if (over) rejected++
        const headers: Record<string, string> = {
          "ratelimit-limit": String(limit),
          "ratelimit-remaining": String(Math.max(0, limit - used)),
          "ratelimit-reset": reset,
          "ratelimit-window": "1",
          ...(over ? { "retry-after": reset } : {}),
        }
        return {
          status: over ? 429 : 200,
          headers,
          body: over ? '{"error":{"code":"rate_limit_exceeded"}}' : "{}",
        }
      })
      const store = makeMemoryStore()
      const gate = makeRateLimitGate({ concurrency: 8 })
      // What the request pipeline does per attempt: gate, send, record the headers, classify.
      const attempt = gate.withPermit(
        fp,
        Effect.gen(function* () {
          const response = yield* api
          const now = yield* Clock.currentTimeMillis
          const snapshot = readRateLimitHeaders(response.headers, now, response.status)
          if (snapshot !== undefined) yield* store.update(fp, snapshot)
          const error = classifyResponse({ ...response, operation: "concepts.get", nowMs: now })
          return error === undefined ? "ok" : yield* Effect.fail(error)
        }),
      )
      const call = retrying(attempt, {
        maxRetries: 3,
        request: { method: "GET", safeToReplay: true, hasIdempotencyKey: false },
      })
      const fiber = yield* Effect.all(
        Array.from({ length: 32 }, () => call),
        { concurrency: "unbounded" },
      ).pipe(withStore(store), Effect.forkChild)
      yield* TestClock.adjust(30_000)
      assert.strictEqual((yield* Fiber.join(fiber)).length, 32)
      // One probe went out blind; everything after it stayed within the budget it taught.
      assert.strictEqual(rejected, 0)
      assert.isTrue([...served.values()].every((count) => count <= limit))
    }),
  )
})
