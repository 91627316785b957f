// The rate-limit budget at window boundaries, against the sandbox's own fixed-window limiter (its
// `SandboxControl`, the server side of a real sandbox, on a fake `Date` so that time is stepped, not
// waited for). A step-by-step simulation stands in for the gate: at each millisecond, responses due
// are recorded in the store (`readRateLimitHeaders` + `update`, as the request pipeline does), then
// callers reserve (`reserve`, as the gate does) and every granted request is counted by the server
// when it is sent. Nothing here depends on the wall clock, so the outcome is the same on every run.
//
// What the sandbox tells a client: `RateLimit-Reset` in whole seconds, rounded up, from when the
// request arrived; its window starts with the first request after the previous one ended. So
// `reset: 1` means "some time within the next second", and a slow response's reset lands well after
// a fast one's for the same window.
//
// The defect (a benchmark: 101 requests, one 429 at a window boundary): a response whose reset was
// more than half a window after the stored one was taken for a fresh window and its `remaining`
// replaced the local count, although it was a slow response from the current window and the requests
// sent after it were not in its count. The gate then let through requests the server refused.
import { SandboxControl } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import {
  makeMemoryStore,
  mergeSnapshot,
  type RateLimitSnapshot,
  type RateLimitStoreShape,
  readRateLimitHeaders,
  reserveSnapshot,
} from "../../src/http/RateLimitState.ts"

const key = "oh_boundary_key_0001"
const fp = "fingerprint-boundary"

/** Callers that want to send from `at` (ms), and the response time of their requests. */
interface Demand {
  readonly at: number
  readonly count: number
  readonly latencyMs: number
}

interface Outcome {
  readonly sent: number
  readonly rejected: number
  readonly finishedAt: number
}

/**
 * Runs `demands` through `store` and the sandbox limiter (limit/windowMs) one millisecond at a time,
 * with the gate's rules: at most `concurrency` requests in flight, a granted reservation is sent at
 * once, an unknown budget sends one probe alone and waits for its response. A 429 is not retried
 * here: each one is a request the gate should not have let through.
 */
const simulate = (
  store: RateLimitStoreShape,
  demands: ReadonlyArray<Demand>,
  options: { readonly limit: number; readonly windowMs: number; readonly concurrency?: number },
): Outcome => {
  const server = new SandboxControl({ keys: [key], rateLimit: options }).rateLimiter
  const concurrency = options.concurrency ?? 8
  const waiting: Array<number> = [] // latency of each caller that has not sent yet
  const inFlight: Array<{
    readonly due: number
    readonly headers: Record<string, string>
    readonly status: number
  }> = []
  let pending = demands.reduce((n, d) => n + d.count, 0)
  let sent = 0
  let rejected = 0
  let probed = false
  for (let now = 0; now < 60_000; now++) {
    vi.setSystemTime(now)
    for (const demand of demands)
      if (demand.at === now) waiting.push(...Array(demand.count).fill(demand.latencyMs))
    for (let i = inFlight.length - 1; i >= 0; i--) {
      const response = inFlight[i]!
      if (response.due !== now) continue
      inFlight.splice(i, 1)
      pending--
      probed = true
      const snapshot = readRateLimitHeaders(response.headers, now, response.status)
      if (snapshot !== undefined) Effect.runSync(store.update(fp, snapshot))
    }
    while (waiting.length > 0 && inFlight.length < concurrency) {
      const reservation = Effect.runSync(store.reserve(fp, now))
      if (reservation._tag === "Exhausted") break
      if (reservation._tag === "Unknown" && !probed && inFlight.length > 0) break // the probe goes alone
      const latencyMs = waiting.shift()!
      const decision = server.take(key)!
      const headers = Object.fromEntries(
        Object.entries(decision.headers).map(([name, value]) => [name.toLowerCase(), value]),
      )
      if (!decision.allowed) {
        rejected++
        headers["retry-after"] = String(decision.retryAfterSeconds)
      }
      sent++
      inFlight.push({ due: now + latencyMs, headers, status: decision.allowed ? 200 : 429 })
    }
    if (pending === 0) return { sent, rejected, finishedAt: now }
  }
  throw new Error("the simulation did not finish")
}

/** A one-key store with the merge rule from before the fix, for the control: a reset more than half a window later replaced the state. */
const storeWithOldMerge = (): RateLimitStoreShape => {
  let stored: RateLimitSnapshot | undefined
  const oldMerge = (previous: RateLimitSnapshot | undefined, observed: RateLimitSnapshot) =>
    previous?.resetAt !== undefined &&
    observed.resetAt !== undefined &&
    observed.resetAt > previous.resetAt + (observed.windowMs ?? 1000) / 2
      ? observed
      : mergeSnapshot(previous, observed)
  return {
    get: () => Effect.sync(() => Option.fromUndefinedOr(stored)),
    update: (_, observed) =>
      Effect.sync(() => {
        stored = oldMerge(stored, observed)
      }),
    reserve: (_, nowMs) =>
      Effect.sync(() => {
        const { reservation, next } = reserveSnapshot(stored, nowMs)
        if (next !== undefined) stored = next
        return reservation
      }),
    changes: () => Stream.empty,
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe("window boundaries against the sandbox's limiter (10 requests per 1000 ms)", () => {
  const limit = { limit: 10, windowMs: 1000 }

  // The benchmark's first window (its timings, rounded): the probe's response (fast) says reset 1 s;
  // four requests sent 400 ms later answer slowly, from 700 ms on, so their `reset: 1` points 700 ms
  // past the probe's, and they report remaining 8..5. More callers come right after the first slow
  // answer; with 8 requests in flight at most, three of them go as the other slow answers come in.
  const slowAnswersInTheFirstWindow: ReadonlyArray<Demand> = [
    { at: 0, count: 1, latencyMs: 15 },
    ...[300, 316, 319, 320].map((latencyMs) => ({ at: 400, count: 1, latencyMs })),
    { at: 701, count: 35, latencyMs: 30 },
  ]

  it("slow responses from the current window do not refill the budget: no request is refused", () => {
    const outcome = simulate(makeMemoryStore(), slowAnswersInTheFirstWindow, limit)
    expect(outcome).toMatchObject({ sent: 40, rejected: 0 })
    // 40 requests need 4 windows; the first one is kept open until its latest possible end.
    expect(outcome.finishedAt).toBeLessThan(5000)
  })

  it("control: with the old merge rule the same run sends requests the server refuses", () => {
    const outcome = simulate(storeWithOldMerge(), slowAnswersInTheFirstWindow, limit)
    expect(outcome.rejected).toBeGreaterThan(0)
  })

  // After an idle spell the old local roll put the new window's end at a whole number of windows
  // after the old reset (here 530 ms after the burst that opened the server's new window), so a
  // second burst followed while the server's window was still full.
  it("after an idle spell, the window rolled locally does not end before the server's", () => {
    const outcome = simulate(
      makeMemoryStore(),
      [
        { at: 0, count: 10, latencyMs: 15 },
        { at: 2500, count: 20, latencyMs: 600 },
      ],
      { ...limit, concurrency: 20 },
    )
    expect(outcome).toMatchObject({ sent: 30, rejected: 0 })
  })

  it("steady load: every window is used in full, none refused", () => {
    const outcome = simulate(makeMemoryStore(), [{ at: 0, count: 100, latencyMs: 20 }], limit)
    expect(outcome).toMatchObject({ sent: 100, rejected: 0 })
    // 10 windows; each one is held open until its last response's reset (~20 ms late) at most.
    expect(outcome.finishedAt).toBeLessThan(10 * 1000 + 10 * 50)
  })
})

describe("a reset already reached, in whole seconds, means within the next second", () => {
  const nowMs = 1_700_000_000_400
  it("delta 0 and an epoch second not after now: the window ends a second from now, not now", () => {
    for (const reset of ["0", "1700000000", "1699999999"]) {
      expect(
        readRateLimitHeaders(
          { "ratelimit-limit": "10", "ratelimit-remaining": "0", "ratelimit-reset": reset },
          nowMs,
        ),
      ).toMatchObject({ remaining: 0, resetAt: nowMs + 1000 })
    }
  })

  it("a reset still ahead, or one in epoch milliseconds, is taken as given", () => {
    const read = (reset: string) =>
      readRateLimitHeaders({ "ratelimit-remaining": "0", "ratelimit-reset": reset }, nowMs)?.resetAt
    expect(read("1")).toBe(nowMs + 1000)
    expect(read("1700000001")).toBe(nowMs + 600)
    expect(read("1700000000400")).toBe(nowMs)
    expect(read("0.25")).toBe(nowMs + 250)
  })

  it("the gate does not open a fresh window on such a report", () => {
    const store = makeMemoryStore()
    const snapshot = readRateLimitHeaders(
      { "ratelimit-limit": "10", "ratelimit-remaining": "0", "ratelimit-reset": "0" },
      nowMs,
    )!
    Effect.runSync(store.update(fp, snapshot))
    expect(Effect.runSync(store.reserve(fp, nowMs + 1))).toEqual({ _tag: "Exhausted", resetAt: nowMs + 1000 })
    expect(Effect.runSync(store.reserve(fp, nowMs + 1000))).toEqual({ _tag: "Granted" })
  })
})
