import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { backoffCeiling, backoffDelay } from "../../src/http/Backoff.ts"

describe("backoffDelay", () => {
  it("is random × min(8000, 500 × 2^attempt) by default", () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffCeiling(attempt))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ])
    expect(backoffDelay(0, 0.5)).toBe(250)
    expect(backoffDelay(1, 0.5)).toBe(500)
    expect(backoffDelay(3, 0.25)).toBe(1000)
    expect(backoffDelay(10, 0.5)).toBe(4000)
    expect(backoffDelay(2, 0)).toBe(0)
    expect(backoffDelay(4, 0.9999)).toBe(7999)
  })

  it("takes base and cap from options", () => {
    expect(backoffDelay(0, 0.5, { baseMs: 100, capMs: 1000 })).toBe(50)
    expect(backoffDelay(5, 0.5, { baseMs: 100, capMs: 1000 })).toBe(500)
  })

  it("stays in [0, min(cap, base·2^n)] for any attempt and random", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        (attempt, random, baseMs, capMs) => {
          const delay = backoffDelay(attempt, random, { baseMs, capMs })
          return delay >= 0 && delay <= Math.min(capMs, baseMs * 2 ** attempt) && Number.isInteger(delay)
        },
      ),
    )
  })

  it("stays in bounds even for out-of-range inputs", () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (attempt, random) => {
        const delay = backoffDelay(attempt, random)
        return delay >= 0 && delay <= 8000
      }),
    )
  })
})
