import { assert, describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import {
  makeMemoryStore,
  mergeSnapshot,
  RateLimitStore,
  readRateLimitHeaders,
  reserveSnapshot,
} from "../../src/http/RateLimitState.ts"

const now = 1_000_000

describe("readRateLimitHeaders", () => {
  it("reads the unprefixed headers, reset as delta seconds", () => {
    expect(
      readRateLimitHeaders(
        {
          "ratelimit-limit": "2",
          "ratelimit-remaining": "1",
          "ratelimit-reset": "1",
          "ratelimit-window": "1",
        },
        now,
      ),
    ).toEqual({ limit: 2, remaining: 1, resetAt: now + 1000, windowMs: 1000, observedAt: now })
  })

  it("falls back to x-ratelimit-* and prefers the unprefixed names", () => {
    expect(
      readRateLimitHeaders({ "x-ratelimit-limit": "100", "x-ratelimit-remaining": "7" }, now),
    ).toMatchObject({
      limit: 100,
      remaining: 7,
      resetAt: undefined,
    })
    expect(
      readRateLimitHeaders(
        { "ratelimit-remaining": "3", "x-ratelimit-remaining": "9", "x-ratelimit-reset": "5" },
        now,
      ),
    ).toMatchObject({ remaining: 3, resetAt: now + 5000 })
  })

  it("reads an epoch reset and a limit with a policy suffix", () => {
    const nowMs = 1_700_000_000_000
    expect(
      readRateLimitHeaders({ "x-ratelimit-limit": "10, 10;w=1", "x-ratelimit-reset": "1700000030" }, nowMs),
    ).toMatchObject({ limit: 10, resetAt: nowMs + 30_000 })
  })

  it("returns undefined without rate-limit headers, ignores garbage", () => {
    expect(readRateLimitHeaders({ "content-type": "application/json" }, now)).toBeUndefined()
    expect(
      readRateLimitHeaders({ "ratelimit-remaining": "lots", "ratelimit-reset": "soon" }, now),
    ).toBeUndefined()
  })

  it("on a 429 takes remaining 0 and the reset from Retry-After when missing", () => {
    expect(readRateLimitHeaders({ "retry-after": "4" }, now, 429)).toEqual({
      limit: undefined,
      remaining: 0,
      resetAt: now + 4000,
      windowMs: undefined,
      observedAt: now,
    })
    expect(readRateLimitHeaders({ "retry-after": "4" }, now, 503)).toBeUndefined()
  })
})

describe("mergeSnapshot", () => {
  const stored = { limit: 5, remaining: 1, resetAt: now + 1000, windowMs: 1000, observedAt: now - 200 }

  it("keeps the lower remaining within the same window (late responses do not raise it)", () => {
    const late = { limit: 5, remaining: 4, resetAt: now + 900, windowMs: 1000, observedAt: now }
    expect(mergeSnapshot(stored, late)).toEqual({ ...late, remaining: 1, resetAt: now + 1000 })
  })

  it("replaces the state once the stored window is over", () => {
    const next = { limit: 5, remaining: 4, resetAt: now + 2000, windowMs: 1000, observedAt: now + 900 }
    // A much later reset while the stored window is open is no proof of a new window (a slow response
    // in whole seconds looks the same): the lower remaining is kept (see RateLimitBoundary.test.ts).
    expect(mergeSnapshot(stored, next)).toEqual({ ...next, remaining: 1 })
    const afterReset = { limit: 5, remaining: 4, resetAt: now + 1500, observedAt: now + 1000 }
    expect(mergeSnapshot(stored, afterReset)).toEqual(afterReset)
    expect(mergeSnapshot(undefined, next)).toEqual(next)
  })
})

describe("reserveSnapshot", () => {
  it("reports unknown without knowledge and records nothing", () => {
    expect(reserveSnapshot(undefined, now)).toEqual({ reservation: { _tag: "Unknown" }, next: undefined })
    expect(reserveSnapshot({ limit: 5, observedAt: now }, now)).toEqual({
      reservation: { _tag: "Unknown" },
      next: undefined,
    })
    expect(reserveSnapshot({ remaining: 0, resetAt: now, observedAt: now - 10 }, now).reservation._tag).toBe(
      "Unknown",
    )
  })

  it("grants while decrementing when no reset is known", () => {
    const noReset = { remaining: 1, observedAt: now }
    expect(reserveSnapshot(noReset, now)).toEqual({
      reservation: { _tag: "Granted" },
      next: { ...noReset, remaining: 0 },
    })
    expect(reserveSnapshot({ ...noReset, remaining: 0 }, now)).toEqual({
      reservation: { _tag: "Granted" },
      next: undefined,
    })
  })

  it("decrements within the window and reports exhaustion until the reset", () => {
    const open = { limit: 2, remaining: 1, resetAt: now + 500, observedAt: now }
    const first = reserveSnapshot(open, now)
    expect(first).toEqual({ reservation: { _tag: "Granted" }, next: { ...open, remaining: 0 } })
    expect(reserveSnapshot(first.next, now + 100)).toEqual({
      reservation: { _tag: "Exhausted", resetAt: now + 500 },
      next: undefined,
    })
  })

  it("rolls the window forward locally after the reset when the limit is known", () => {
    const spent = { limit: 3, remaining: 0, resetAt: now, windowMs: 1000, observedAt: now - 1000 }
    // After an idle spell the new window ends no earlier than a whole window from now.
    expect(reserveSnapshot(spent, now + 2500).next).toEqual({ ...spent, remaining: 2, resetAt: now + 3500 })
    expect(reserveSnapshot(spent, now + 5).next).toEqual({ ...spent, remaining: 2, resetAt: now + 1005 })
    expect(reserveSnapshot(spent, now).next).toEqual({ ...spent, remaining: 2, resetAt: now + 1000 })
  })
})

describe("RateLimitStore", () => {
  const snapshot = { limit: 10, remaining: 9, resetAt: now + 1000, observedAt: now }
  const update = (fingerprint: string, value: typeof snapshot) =>
    Effect.gen(function* () {
      yield* (yield* RateLimitStore).update(fingerprint, value)
    })
  const read = (fingerprint: string) =>
    Effect.gen(function* () {
      return yield* (yield* RateLimitStore).get(fingerprint)
    })

  it.effect("layerMemory is shared by separately built clients of one process, per fingerprint", () =>
    Effect.gen(function* () {
      yield* update("fp-shared", snapshot).pipe(Effect.provide(RateLimitStore.layerMemory))
      const seenByOther = yield* read("fp-shared").pipe(Effect.provide(RateLimitStore.layerMemory))
      assert.deepStrictEqual(seenByOther, Option.some(snapshot))
      assert.isTrue(Option.isNone(yield* read("fp-other").pipe(Effect.provide(RateLimitStore.layerMemory))))
      assert.isTrue(
        Option.isNone(yield* read("fp-shared").pipe(Effect.provide(RateLimitStore.layerMemoryIsolated))),
      )
    }),
  )

  it.effect("a reservation by one client uses up the budget seen by the other", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update("fp", { remaining: 1, resetAt: now + 1000, observedAt: now })
      assert.deepStrictEqual(yield* store.reserve("fp", now), { _tag: "Granted" })
      assert.deepStrictEqual(yield* store.reserve("fp", now), { _tag: "Exhausted", resetAt: now + 1000 })
    }),
  )

  it.effect("changes replays the latest snapshot, then emits every update", () =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update("fp", snapshot)
      const subscribed = yield* Deferred.make<void>()
      const fiber = yield* store.changes("fp").pipe(
        Stream.tap(() => Deferred.succeed(subscribed, undefined)),
        Stream.take(3),
        Stream.runCollect,
        Effect.forkChild,
      )
      yield* Deferred.await(subscribed)
      yield* store.reserve("fp", now)
      yield* store.update("fp", { ...snapshot, remaining: 5, resetAt: now + 5000, observedAt: now + 10 })
      const emitted = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        emitted.map((s) => s.remaining),
        [9, 8, 5],
      )
    }),
  )
})
