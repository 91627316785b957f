// `onRateLimitExhausted: "fail"` over real HTTP against the sandbox's fixed-window limiter: once the
// key's budget is known to be used up, the calls beyond it fail at once with the gate's own
// `RateLimitError` (code `client_rate_limited`) instead of waiting for the reset, and the pipeline's
// retries do not resend them (the defect: each refusal was retried after sleeping until the reset,
// so "fail" behaved like "wait" for up to `maxRetries` windows). No wall-clock assertions: "at once"
// is shown by the order of events, i.e. every refusal has settled while the sandbox has still logged
// only the requests of the first window.
import { type Sandbox, start } from "@omophub/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isRetryable } from "../../src/http/Classify.ts"
import { createClient, RateLimitError } from "../../src/index.ts"
import { syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_ratelimit_fail_key_0001"
const limit = 3
const windowMs = 5000
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab, rateLimit: { limit, windowMs } })
})
afterAll(async () => {
  await sandbox.close()
})

describe('onRateLimitExhausted: "fail"', () => {
  it("a burst beyond the budget: the extra calls fail at once with the time to the reset, unsent", async () => {
    await sandbox.control.reset()
    sandbox.clearRequests()
    const client = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
      onRateLimitExhausted: "fail",
      maxRetries: 3,
    })
    await client.concepts.get(201826) // warm-up: teaches the client the budget (2 left)
    const snapshot = await client.rateLimit.current()
    expect(snapshot?.remaining).toBe(limit - 1)

    const before = Date.now()
    const settled = await Promise.allSettled(Array.from({ length: 6 }, () => client.concepts.get(201826)))
    const after = Date.now()
    // Settled with nothing more sent: warm-up + 2 admitted, and no retry of a refusal after the reset.
    expect(sandbox.requests()).toHaveLength(limit)

    const ok = settled.filter((result) => result.status === "fulfilled")
    const refused = settled.flatMap((result) => (result.status === "rejected" ? [result.reason] : []))
    expect(ok).toHaveLength(2)
    expect(refused).toHaveLength(4)
    // The refusals used the reset known when they were made: the warm-up's, or one a response of the
    // burst has refined since (the sandbox reports the reset in whole seconds, rounded up).
    const firstResetAt = snapshot!.resetAt!
    const lastResetAt = (await client.rateLimit.current())!.resetAt!
    for (const error of refused) {
      expect(error).toBeInstanceOf(RateLimitError)
      expect(error.code).toBe("client_rate_limited")
      expect(error.status).toBe(429)
      expect(error.retryable).toBe(true) // safe for the caller to send again later
      // retryAfter is the time from the refusal to the window's reset, not what is left of a later one.
      const retryAfterMs = error.retryAfter * 1000
      expect(retryAfterMs).toBeGreaterThanOrEqual(firstResetAt - after - 1)
      expect(retryAfterMs).toBeLessThanOrEqual(lastResetAt - before + 1)
      expect(error.message).toContain(`resets in ${Math.ceil(error.retryAfter)} s`)
      expect(error.message).not.toContain(apiKey)
    }
  })

  it("a POST beyond the budget is refused at once too, and never sent", async () => {
    await sandbox.control.reset()
    sandbox.clearRequests()
    const client = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
      onRateLimitExhausted: "fail",
    })
    await client.concepts.get(201826)
    await client.concepts.get(201826)
    await client.concepts.get(201826)
    expect((await client.rateLimit.current())?.remaining).toBe(0)
    const error = await client.concepts.batch([201826, 4329847]).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).code).toBe("client_rate_limited")
    expect(sandbox.requests()).toHaveLength(limit)
  })
})

describe("isRetryable and the gate's refusal", () => {
  const fields = { message: "m", status: 429, retryAfter: 2, operation: "concepts.get", retryable: true }
  it("never retries client_rate_limited, whatever the method; a server 429 still is", () => {
    const refusal = new RateLimitError({ ...fields, code: "client_rate_limited" })
    const server429 = new RateLimitError({ ...fields, code: "rate_limit_exceeded" })
    for (const method of ["GET", "POST"] as const) {
      const request = { method, safeToReplay: false, hasIdempotencyKey: false }
      expect(isRetryable(refusal, request)).toBe(false)
      expect(isRetryable(server429, request)).toBe(true)
    }
  })
})
