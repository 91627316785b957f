import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { parseHttpDate, parseRateLimitReset, parseRetryAfter } from "../../src/http/RetryAfter.ts"

const now = Date.UTC(1994, 10, 6, 8, 49, 0) // Sun, 06 Nov 1994 08:49:00 GMT

describe("parseRetryAfter", () => {
  it("reads delta-seconds as milliseconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000)
    expect(parseRetryAfter("0", now)).toBe(0)
    expect(parseRetryAfter(" 7 ", now)).toBe(7000)
  })

  it("reads the three HTTP-date forms", () => {
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(37_000)
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(37_000)
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", now)).toBe(37_000)
    expect(parseRetryAfter("Sun Nov 16 08:49:37 1994", now)).toBe(10 * 86_400_000 + 37_000)
  })

  it("gives 0 for a date in the past", () => {
    expect(parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", now)).toBe(0)
  })

  it("reads an RFC 850 two-digit year as at most 50 years ahead", () => {
    const in2026 = Date.UTC(2026, 0, 1)
    expect(parseHttpDate("Tuesday, 01-Jan-30 00:00:00 GMT", in2026)).toBe(Date.UTC(2030, 0, 1))
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", in2026)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37))
  })

  it.each([
    [null],
    [undefined],
    [""],
    ["   "],
    ["-1"],
    ["1.5"],
    ["+3"],
    ["120s"],
    ["soon"],
    ["Sun, 31 Feb 1994 08:49:37 GMT"],
    ["Sun, 06 Nov 1994 25:00:00 GMT"],
    ["Sun, 06 Nov 1994 08:60:00 GMT"],
    ["sun, 06 nov 1994 08:49:37 gmt"],
    ["Sun, 06 Nov 1994 08:49:37 UTC"],
    ["Sun, 6 Nov 1994 08:49:37 GMT"],
    ["1994-11-06T08:49:37Z"],
  ])("ignores %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })

  it("is never negative", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4e12 }), (value, nowMs) => {
        const ms = parseRetryAfter(value, nowMs)
        return ms === undefined || ms >= 0
      }),
    )
  })

  it("ignores strings with characters no Retry-After value contains", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => /[^A-Za-z0-9 ,:\t-]/.test(s.trim())),
        (value) => parseRetryAfter(value, now) === undefined,
      ),
    )
  })

  it("ignores negative and fractional numbers", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -1e9, max: -1 }).map(String),
          fc
            .double({ min: 0.001, max: 1e6, noNaN: true })
            .filter((n) => !Number.isInteger(n))
            .map(String),
        ),
        (value) => parseRetryAfter(value, now) === undefined,
      ),
    )
  })

  it("round-trips dates formatted by toUTCString to the exact millisecond difference", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 253_402_300_799_000 }),
        (date, nowMs) => {
          const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000
          return parseRetryAfter(date.toUTCString(), nowMs) === Math.max(0, wholeSeconds - nowMs)
        },
      ),
    )
  })
})

describe("parseRateLimitReset", () => {
  const nowMs = 1_700_000_000_000

  it("reads small values as delta seconds", () => {
    expect(parseRateLimitReset("30", nowMs)).toBe(30_000)
    expect(parseRateLimitReset("0", nowMs)).toBe(0)
    expect(parseRateLimitReset("1.5", nowMs)).toBe(1500)
  })

  it("reads values from 1e9 as epoch seconds and from 1e12 as epoch milliseconds", () => {
    expect(parseRateLimitReset("1700000060", nowMs)).toBe(60_000)
    expect(parseRateLimitReset("1700000005000", nowMs)).toBe(5000)
    expect(parseRateLimitReset("1699999990", nowMs)).toBe(0)
    expect(parseRateLimitReset("1699999999000", nowMs)).toBe(0)
  })

  it.each([[null], [undefined], [""], ["-5"], ["soon"], ["5s"], ["Sun, 06 Nov 1994 08:49:37 GMT"]])(
    "ignores %j",
    (value) => {
      expect(parseRateLimitReset(value, nowMs)).toBeUndefined()
    },
  )

  it("is never negative", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.double({ min: 0, max: 1e14, noNaN: true }).map(String),
        ),
        (value) => {
          const ms = parseRateLimitReset(value, nowMs)
          return ms === undefined || ms >= 0
        },
      ),
    )
  })
})
