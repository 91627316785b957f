/**
 * Parsers for the server's "wait" headers: `Retry-After` (RFC 9110 §10.2.3) and rate-limit reset
 * headers (`ratelimit-reset`, `x-ratelimit-reset`). Both return milliseconds to wait from `nowMs`,
 * never negative, or `undefined` when the value is not understood (the caller then ignores it).
 *
 * @module
 */

const monthIndex: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

const months = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
const time = "(\\d{2}):(\\d{2}):(\\d{2})"

// The three HTTP-date forms of RFC 9110 §5.6.7; names are case-sensitive there, so they are here.
const imfFixdate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${months} (\\d{4}) ${time} GMT$`)
const rfc850Date = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${months}-(\\d{2}) ${time} GMT$`,
)
const asctimeDate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${months} ( \\d|\\d{2}) ${time} (\\d{4})$`)

/** Epoch ms of a calendar date and time in UTC, or `undefined` when a field is out of range (e.g. 31 Feb). */
const utcMillis = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined => {
  // A leap second (60) is allowed by the grammar; it simply rolls into the next minute.
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month, day)
  if (date.getUTCDate() !== day) return undefined
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

/**
 * Epoch ms of an HTTP-date in any of its three forms, or `undefined`. A two-digit RFC 850 year is
 * read as the most recent year with those digits that is not more than 50 years in the future
 * (RFC 9110 §5.6.7).
 */
export const parseHttpDate = (value: string, nowMs: number): number | undefined => {
  let match = imfFixdate.exec(value)
  if (match !== null) {
    const [, day, month, year, hour, minute, second] = match
    return utcMillis(
      Number(year),
      monthIndex[month!]!,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
    )
  }
  match = rfc850Date.exec(value)
  if (match !== null) {
    const [, day, month, shortYear, hour, minute, second] = match
    const nowYear = new Date(nowMs).getUTCFullYear()
    let year = nowYear - (nowYear % 100) + Number(shortYear)
    if (year > nowYear + 50) year -= 100
    return utcMillis(year, monthIndex[month!]!, Number(day), Number(hour), Number(minute), Number(second))
  }
  match = asctimeDate.exec(value)
  if (match !== null) {
    const [, month, day, hour, minute, second, year] = match
    return utcMillis(
      Number(year),
      monthIndex[month!]!,
      Number(day!.trim()),
      Number(hour),
      Number(minute),
      Number(second),
    )
  }
  return undefined
}

/**
 * Milliseconds to wait according to a `Retry-After` value: delta-seconds (digits only, e.g. `120`)
 * or an HTTP-date (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850, asctime). A date in the
 * past gives 0. Anything else (negative, fractional, empty, garbage) gives `undefined`.
 */
export const parseRetryAfter = (value: string | null | undefined, nowMs: number): number | undefined => {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000
    return Number.isFinite(ms) ? ms : undefined
  }
  const at = parseHttpDate(trimmed, nowMs)
  return at === undefined ? undefined : Math.max(0, at - nowMs)
}

/** Values at or above this are epoch seconds (≈ Sept 2001), not a delta: no window lasts 31 years. */
export const epochSecondsThreshold = 1e9
/** Values at or above this are epoch milliseconds (≈ Sept 2001 in ms). */
export const epochMillisThreshold = 1e12

/**
 * Milliseconds until a rate-limit window resets, from a `ratelimit-reset` / `x-ratelimit-reset`
 * value. Servers send either a delta or an absolute time, so the magnitude decides (a non-negative
 * decimal number, fractions allowed):
 * - below 1e9: delta seconds (the IETF RateLimit header drafts, OMOPHub);
 * - from 1e9 up to 1e12: epoch seconds (GitHub-style `x-ratelimit-reset`);
 * - from 1e12: epoch milliseconds.
 *
 * A reset in the past gives 0; anything unparseable gives `undefined`.
 */
export const parseRateLimitReset = (value: string | null | undefined, nowMs: number): number | undefined => {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined
  const n = Number(trimmed)
  if (!Number.isFinite(n)) return undefined
  const ms = n >= epochMillisThreshold ? n - nowMs : n >= epochSecondsThreshold ? n * 1000 - nowMs : n * 1000
  return Math.max(0, Math.ceil(ms))
}
