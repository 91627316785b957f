import { assert, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import { TestClock } from "effect/testing"
import { ConnectionError, type OmopHubError, RateLimitError, ServerError } from "../../src/Errors.ts"
import { classifyResponse, type RetryRequest } from "../../src/http/Classify.ts"
import {
  makeMemoryStore,
  millisUntilReset,
  RateLimitStore,
  readRateLimitHeaders,
} from "../../src/http/RateLimitState.ts"
import { type RetryInfo, retryDelay, retrying } from "../../src/http/RetryPolicy.ts"

const get: RetryRequest = { method: "GET", safeToReplay: true, hasIdempotencyKey: false }
const post: RetryRequest = { method: "POST", safeToReplay: false, hasIdempotencyKey: false }

const responseError = (status: number, headers: Record<string, string> = {}, body = "") =>
  classifyResponse({ status, headers, body, operation: "concepts.get", nowMs: 0 })!
const serverError = responseError(503)
const rateLimited = (retryAfter?: number) =>
  new RateLimitError({
    message: "slow down",
    status: 429,
    code: "rate_limit_exceeded",
    retryAfter,
    retryable: true,
  })

/** An attempt that fails with the scripted errors in turn, then succeeds; records the Clock time of each try. */
const scripted = (failures: ReadonlyArray<OmopHubError>) => {
  const attemptTimes: Array<number> = []
  const effect = Effect.gen(function* () {
    attemptTimes.push(yield* Clock.currentTimeMillis)
    const failure = failures[attemptTimes.length - 1]
    if (failure !== undefined) return yield* Effect.fail(failure)
    return "ok" as const
  })
  return { effect, attemptTimes }
}

/** A Random whose doubles come from a script (the retry policy draws one per retry). */
const scriptedRandom = (values: ReadonlyArray<number>) => {
  let index = 0
  return Random.Random.of({
    nextDoubleUnsafe: () => values[index++ % values.length]!,
    nextIntUnsafe: () => 0,
  })
}

describe("retryDelay", () => {
  it("uses full-jitter backoff without a server hint", () => {
    expect(retryDelay(serverError, 0, 0.5)).toBe(250)
    expect(retryDelay(serverError, 3, 0.5)).toBe(2000)
    expect(retryDelay(serverError, 9, 0.5, { baseMs: 100, capMs: 1000 })).toBe(500)
  })

  it("honours Retry-After on any status, clamped to [0, maxServerWaitMs]", () => {
    expect(retryDelay(rateLimited(3), 5, 0.9)).toBe(3000)
    expect(retryDelay(responseError(503, { "retry-after": "2" }), 0, 0.9)).toBe(2000)
    expect(retryDelay(rateLimited(0), 0, 0.9)).toBe(0)
    expect(retryDelay(rateLimited(3600), 0, 0.9)).toBe(60_000)
    expect(retryDelay(rateLimited(3600), 0, 0.9, { maxServerWaitMs: 10_000 })).toBe(10_000)
  })

  it("waits for a known rate-limit reset on a 429 without Retry-After", () => {
    expect(retryDelay(rateLimited(), 0, 0.5, { rateLimitResetMs: 4200 })).toBe(4200)
    expect(retryDelay(rateLimited(), 0, 0.5, { rateLimitResetMs: 900_000 })).toBe(60_000)
    // The reset only matters for a rate limit; a 503 still backs off.
    expect(retryDelay(serverError, 0, 0.5, { rateLimitResetMs: 4200 })).toBe(250)
  })
})

describe("retrying", () => {
  it.effect("spaces a scripted series of failures by full-jitter backoff", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([serverError, serverError, serverError])
      const retries: Array<RetryInfo> = []
      const fiber = yield* retrying(effect, {
        maxRetries: 3,
        request: get,
        onRetry: (info) => Effect.sync(() => retries.push(info)),
      }).pipe(Effect.provideService(Random.Random, scriptedRandom([0.5, 0.25, 0.999])), Effect.forkChild)
      yield* TestClock.adjust(60_000)
      assert.strictEqual(yield* Fiber.join(fiber), "ok")
      // Waits: 0.5×500 = 250, 0.25×1000 = 250, floor(0.999×2000) = 1998.
      assert.deepStrictEqual(attemptTimes, [0, 250, 500, 2498])
      assert.deepStrictEqual(
        retries.map(({ attempt, delayMs }) => [attempt, delayMs]),
        [
          [1, 250],
          [2, 250],
          [3, 1998],
        ],
      )
    }),
  )

  it.effect("is reproducible with a seeded Random", () =>
    Effect.gen(function* () {
      const run = Effect.gen(function* () {
        const { effect, attemptTimes } = scripted([serverError, serverError])
        const fiber = yield* retrying(effect, { maxRetries: 2, request: get }).pipe(Effect.forkChild)
        yield* TestClock.adjust(60_000)
        yield* Fiber.join(fiber)
        return attemptTimes
      })
      const first = yield* run.pipe(Random.withSeed("omophub"))
      yield* TestClock.setTime(0)
      const second = yield* run.pipe(Random.withSeed("omophub"))
      assert.deepStrictEqual(first, second)
    }),
  )

  it.effect("stops after maxRetries and fails with the last error", () =>
    Effect.gen(function* () {
      const last = responseError(502)
      const { effect, attemptTimes } = scripted([serverError, serverError, last, serverError])
      const fiber = yield* retrying(effect, { maxRetries: 2, request: get }).pipe(
        Effect.flip,
        Effect.forkChild,
      )
      yield* TestClock.adjust(60_000)
      assert.strictEqual(yield* Fiber.join(fiber), last)
      assert.strictEqual(attemptTimes.length, 3)
    }),
  )

  it.effect("waits exactly Retry-After seconds", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([rateLimited(3), rateLimited(1)])
      const fiber = yield* retrying(effect, { maxRetries: 3, request: get }).pipe(Effect.forkChild)
      yield* TestClock.adjust(2999)
      assert.deepStrictEqual(attemptTimes, [0])
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(attemptTimes, [0, 3000])
      yield* TestClock.adjust(1000)
      assert.strictEqual(yield* Fiber.join(fiber), "ok")
      assert.deepStrictEqual(attemptTimes, [0, 3000, 4000])
    }),
  )

  it.effect("waits until an HTTP-date Retry-After", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 0, 1, 12, 0, 0))
      const start = yield* Clock.currentTimeMillis
      const error = classifyResponse({
        status: 503,
        headers: { "retry-after": "Thu, 01 Jan 2026 12:00:07 GMT" },
        body: "",
        operation: "op",
        nowMs: start,
      })!
      const { effect, attemptTimes } = scripted([error])
      const fiber = yield* retrying(effect, { maxRetries: 1, request: get }).pipe(Effect.forkChild)
      yield* TestClock.adjust(60_000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        attemptTimes.map((t) => t - start),
        [0, 7000],
      )
    }),
  )

  it.effect("gives up at once, with the server's error, when Retry-After exceeds maxServerWaitMs", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([rateLimited(3600)])
      const error = yield* retrying(effect, { maxRetries: 1, request: get }).pipe(Effect.flip)
      assert.deepStrictEqual(attemptTimes, [0])
      assert.strictEqual(error._tag, "RateLimitError")
      assert.strictEqual("retryAfter" in error ? error.retryAfter : undefined, 3600)
    }),
  )

  it.effect("waits exactly maxServerWaitMs when the server asks for that much", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([rateLimited(60)])
      const fiber = yield* retrying(effect, { maxRetries: 1, request: get }).pipe(Effect.forkChild)
      yield* TestClock.adjust(60_000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(attemptTimes, [0, 60_000])
    }),
  )

  it.effect("waits for the rate-limit reset on a 429 without Retry-After", () =>
    Effect.gen(function* () {
      // A 429 that carries only the rate-limit headers, recorded the way the pipeline records them.
      const headers = { "ratelimit-limit": "2", "ratelimit-remaining": "0", "ratelimit-reset": "4" }
      const error = responseError(429, headers, '{"error":{"code":"rate_limit_exceeded"}}')
      assert.strictEqual(error.retryAfter, undefined)
      const { effect, attemptTimes } = scripted([error])
      const store = makeMemoryStore()
      yield* store.update("fp", readRateLimitHeaders(headers, 0, 429)!)
      const fiber = yield* retrying(effect, {
        maxRetries: 1,
        request: get,
        rateLimitResetMs: millisUntilReset("fp"),
      }).pipe(Effect.provideService(RateLimitStore, store), Effect.forkChild)
      yield* TestClock.adjust(60_000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(attemptTimes, [0, 4000])
    }),
  )

  it.effect("does not start a wait that would pass the deadline", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([serverError, rateLimited(5)])
      const fiber = yield* retrying(effect, { maxRetries: 5, request: get, deadline: 4000 }).pipe(
        Effect.provideService(Random.Random, scriptedRandom([0.5])),
        Effect.flip,
        Effect.forkChild,
      )
      yield* TestClock.adjust(250)
      // Second attempt at 250 asks for 5 s; 250 + 5000 >= 4000, so the call fails at once.
      const error = yield* Fiber.join(fiber)
      assert.deepStrictEqual(attemptTimes, [0, 250])
      assert.strictEqual(error._tag, "RateLimitError")
      assert.strictEqual(yield* Clock.currentTimeMillis, 250)
    }),
  )

  it.effect("ends at once when interrupted during a wait", () =>
    Effect.gen(function* () {
      const { effect, attemptTimes } = scripted([rateLimited(30)])
      const fiber = yield* retrying(effect, { maxRetries: 3, request: get }).pipe(Effect.forkChild)
      yield* TestClock.adjust(1000)
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.hasInterrupts(exit))
      assert.strictEqual(yield* Clock.currentTimeMillis, 1000)
      yield* TestClock.adjust(60_000)
      assert.deepStrictEqual(attemptTimes, [0])
    }),
  )

  it.effect("retries a POST on 429 but not on 5xx or connection errors without a key", () =>
    Effect.gen(function* () {
      const limited = scripted([rateLimited(1)])
      const limitedFiber = yield* retrying(limited.effect, { maxRetries: 2, request: post }).pipe(
        Effect.forkChild,
      )
      yield* TestClock.adjust(1000)
      assert.strictEqual(yield* Fiber.join(limitedFiber), "ok")

      for (const failure of [serverError, new ConnectionError({ message: "reset", retryable: true })]) {
        const failing = scripted([failure])
        const error = yield* retrying(failing.effect, { maxRetries: 2, request: post }).pipe(Effect.flip)
        assert.strictEqual(error, failure)
        assert.strictEqual(failing.attemptTimes.length, 1)

        const keyed = scripted([failure])
        const keyedFiber = yield* retrying(keyed.effect, {
          maxRetries: 2,
          request: { ...post, hasIdempotencyKey: true },
        }).pipe(Effect.forkChild)
        yield* TestClock.adjust(60_000)
        assert.strictEqual(yield* Fiber.join(keyedFiber), "ok")
      }
    }),
  )

  it.effect("never retries a non-retryable error", () =>
    Effect.gen(function* () {
      const notFound = responseError(404)
      const { effect, attemptTimes } = scripted([notFound])
      const error = yield* retrying(effect, { maxRetries: 3, request: get }).pipe(Effect.flip)
      assert.strictEqual(error, notFound)
      assert.strictEqual(attemptTimes.length, 1)
    }),
  )

  it.effect("keeps the narrow error type of the wrapped effect", () =>
    Effect.gen(function* () {
      const narrow: Effect.Effect<string, ServerError> = Effect.fail(
        new ServerError({ message: "down", status: 503, code: "http_503", retryable: false }),
      )
      const result: Effect.Effect<string, ServerError> = retrying(narrow, { maxRetries: 0, request: get })
      assert.strictEqual((yield* Effect.flip(result))._tag, "ServerError")
    }),
  )
})
