import { afterEach, describe, expect, it } from "vitest"
import { type Sandbox, start } from "../src/index.ts"
import { bearer, json } from "./server-support.ts"

const key = "oh_rate_limit_key_42"
const otherKey = "oh_rate_limit_other_7"
let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

const get = (s: Sandbox, target: string, k = key) => fetch(`${s.url}${target}`, { headers: bearer(k) })

describe("rate limiting", () => {
  it("sends RateLimit-* and X-RateLimit-* on successes and on errors, counting down", async () => {
    sandbox = await start({ keys: [key], rateLimit: { limit: 5, windowMs: 60_000 } })
    const first = await get(sandbox, "/concepts/201826")
    expect(first.status).toBe(200)
    expect(first.headers.get("ratelimit-limit")).toBe("5")
    expect(first.headers.get("ratelimit-remaining")).toBe("4")
    expect(first.headers.get("x-ratelimit-limit")).toBe("5")
    expect(first.headers.get("x-ratelimit-remaining")).toBe("4")
    const reset = Number(first.headers.get("ratelimit-reset"))
    expect(reset).toBeGreaterThan(55)
    expect(reset).toBeLessThanOrEqual(60)
    expect(first.headers.get("x-ratelimit-reset")).toBe(String(reset))
    expect(first.headers.get("ratelimit-window")).toBe("60")
    const notFound = await get(sandbox, "/concepts/999999999")
    expect(notFound.status).toBe(404)
    expect(notFound.headers.get("ratelimit-remaining")).toBe("3")
    const badRelease = await get(sandbox, "/concepts/201826?vocab_release=1999.9")
    expect(badRelease.status).toBe(400)
    expect(badRelease.headers.get("x-ratelimit-remaining")).toBe("2")
  })

  it("answers 429 rate_limit_exceeded with Retry-After once the window is spent, per key", async () => {
    sandbox = await start({ keys: [key, otherKey], rateLimit: { limit: 2, windowMs: 1000 } })
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    const limited = await get(sandbox, "/concepts/201826")
    const body = await json(limited)
    expect(limited.status).toBe(429)
    expect(body.error.code).toBe("rate_limit_exceeded")
    expect(limited.headers.get("retry-after")).toBe("1")
    expect(limited.headers.get("ratelimit-remaining")).toBe("0")
    expect(limited.headers.get("x-request-id")).toBe(body.meta.request_id)
    // Another key has its own window.
    expect((await get(sandbox, "/concepts/201826", otherKey)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1050))
    const again = await get(sandbox, "/concepts/201826")
    expect(again.status).toBe(200)
    expect(again.headers.get("ratelimit-remaining")).toBe("1")
  })

  it("can send the reset as a Unix timestamp instead of a delta", async () => {
    sandbox = await start({ keys: [key], rateLimit: { limit: 3, windowMs: 10_000, resetFormat: "epoch" } })
    const before = Math.floor(Date.now() / 1000)
    const response = await get(sandbox, "/concepts/201826")
    const reset = Number(response.headers.get("ratelimit-reset"))
    expect(reset).toBeGreaterThanOrEqual(before + 9)
    expect(reset).toBeLessThanOrEqual(before + 11)
    expect(response.headers.get("x-ratelimit-reset")).toBe(String(reset))
  })

  it("enforces a daily quota with daily_quota_exceeded, not counting rejected requests as served", async () => {
    sandbox = await start({ keys: [key], rateLimit: { limit: 2, windowMs: 400, dailyQuota: 3 } })
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    const windowFull = await get(sandbox, "/concepts/201826")
    expect((await json(windowFull)).error.code).toBe("rate_limit_exceeded")
    await new Promise((resolve) => setTimeout(resolve, 450))
    // The rejected request above was not counted, so the quota still has one request left.
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    const quota = await get(sandbox, "/concepts/201826")
    expect(quota.status).toBe(429)
    expect((await json(quota)).error.code).toBe("daily_quota_exceeded")
    const retryAfter = Number(quota.headers.get("retry-after"))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(86_400)
  })

  it("is off by default and can be switched on and off at runtime", async () => {
    sandbox = await start({ keys: [key] })
    const open = await get(sandbox, "/concepts/201826")
    expect(open.headers.get("ratelimit-limit")).toBeNull()
    sandbox.control.setRateLimit({ limit: 1, windowMs: 60_000 })
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    expect((await get(sandbox, "/concepts/201826")).status).toBe(429)
    sandbox.control.setRateLimit(undefined)
    expect((await get(sandbox, "/concepts/201826")).status).toBe(200)
    expect(() => sandbox?.control.setRateLimit({ limit: 0, windowMs: 1000 })).toThrow(
      /limit must be a positive/,
    )
  })
})
