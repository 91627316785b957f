/**
 * Per-key fixed-window rate limit plus an optional daily quota (UTC days). Rejected requests are not
 * counted, so a client that backs off properly is not punished twice.
 */
/**
 * The `rateLimit` option: a per-key request limit per window, a daily quota, or both. Rejected
 * requests get a 429 (`rate_limit_exceeded` or `daily_quota_exceeded`) with `Retry-After`.
 */
export interface RateLimitOptions {
  /** Requests allowed per window; omit for a daily quota alone. */
  readonly limit?: number
  /** Window length in ms (default 1000). */
  readonly windowMs?: number
  /** Requests allowed per key per UTC day. */
  readonly dailyQuota?: number
  /** `delta` (default): `RateLimit-Reset` is seconds until reset; `epoch`: Unix seconds of the reset. */
  readonly resetFormat?: "delta" | "epoch"
}

/**
 * `RateLimiter.take`'s verdict for one request: allowed, or rejected with the error code, message
 * and `Retry-After` seconds the 429 carries. Both come with the `RateLimit-*` / `X-RateLimit-*` headers.
 */
export type RateDecision =
  | { readonly allowed: true; readonly headers: Record<string, string> }
  | {
      readonly allowed: false
      readonly code: "rate_limit_exceeded" | "daily_quota_exceeded"
      readonly message: string
      readonly retryAfterSeconds: number
      readonly headers: Record<string, string>
    }

interface Counter {
  windowStart: number
  windowCount: number
  day: number
  dayCount: number
}

const DAY_MS = 86_400_000

const checkPositiveInteger = (name: string, value: number | undefined) => {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(`rateLimit.${name} must be a positive integer, got ${value}`)
  }
}

export const validateRateLimit = (options: RateLimitOptions): RateLimitOptions => {
  checkPositiveInteger("limit", options.limit)
  checkPositiveInteger("windowMs", options.windowMs)
  checkPositiveInteger("dailyQuota", options.dailyQuota)
  if (
    options.resetFormat !== undefined &&
    options.resetFormat !== "delta" &&
    options.resetFormat !== "epoch"
  ) {
    throw new RangeError(`rateLimit.resetFormat must be "delta" or "epoch"`)
  }
  if (options.limit === undefined && options.dailyQuota === undefined) {
    throw new RangeError("rateLimit needs a limit, a dailyQuota or both")
  }
  return options
}

/**
 * Per-key fixed-window counters and daily quotas of one sandbox (`SandboxControl.rateLimiter`).
 * Limits are off while no options are set.
 */
export class RateLimiter {
  #options: RateLimitOptions | undefined
  readonly #counters = new Map<string, Counter>()
  readonly #now: () => number

  /** Throws `RangeError` for invalid options; `now` is the clock (injectable for tests). */
  constructor(options: RateLimitOptions | undefined, now: () => number = Date.now) {
    this.#options = options === undefined ? undefined : validateRateLimit(options)
    this.#now = now
  }

  /** The limits in force; `undefined` when limiting is off. */
  get options(): RateLimitOptions | undefined {
    return this.#options
  }

  /** Replaces the limits and forgets all counts. `undefined` turns limiting off. */
  configure(options: RateLimitOptions | undefined): void {
    this.#options = options === undefined ? undefined : validateRateLimit(options)
    this.#counters.clear()
  }

  /** Forgets all counts, keeping the limits. */
  resetCounters(): void {
    this.#counters.clear()
  }

  /** Counts one request for `keyId` if allowed. `undefined` when limiting is off. */
  take(keyId: string): RateDecision | undefined {
    const options = this.#options
    if (options === undefined) return undefined
    const now = this.#now()
    const windowMs = options.windowMs ?? 1000
    const day = Math.floor(now / DAY_MS)
    const counter = this.#counters.get(keyId) ?? { windowStart: now, windowCount: 0, day, dayCount: 0 }
    this.#counters.set(keyId, counter)
    if (now - counter.windowStart >= windowMs) {
      counter.windowStart = now
      counter.windowCount = 0
    }
    if (counter.day !== day) {
      counter.day = day
      counter.dayCount = 0
    }
    const dayEnd = (day + 1) * DAY_MS
    const windowEnd = counter.windowStart + windowMs
    const windowFull = options.limit !== undefined && counter.windowCount >= options.limit
    const quotaFull = options.dailyQuota !== undefined && counter.dayCount >= options.dailyQuota
    if (!windowFull && !quotaFull) {
      counter.windowCount++
      counter.dayCount++
    }
    // Headers describe the per-window limit, or the daily quota when that is the only limit.
    const [limit, used, resetAt] =
      options.limit !== undefined
        ? [options.limit, counter.windowCount, windowEnd]
        : [options.dailyQuota ?? 0, counter.dayCount, dayEnd]
    const secondsUntil = (at: number) => Math.max(0, Math.ceil((at - now) / 1000))
    const reset =
      options.resetFormat === "epoch" ? String(Math.ceil(resetAt / 1000)) : String(secondsUntil(resetAt))
    const remaining = String(Math.max(0, limit - used))
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": remaining,
      "RateLimit-Reset": reset,
      "RateLimit-Window": String(Math.ceil((options.limit !== undefined ? windowMs : DAY_MS) / 1000)),
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": remaining,
      "X-RateLimit-Reset": reset,
    }
    if (quotaFull) {
      return {
        allowed: false,
        code: "daily_quota_exceeded",
        message: `Daily quota of ${options.dailyQuota} requests reached; it resets at 00:00 UTC`,
        retryAfterSeconds: Math.max(1, secondsUntil(dayEnd)),
        headers,
      }
    }
    if (windowFull) {
      return {
        allowed: false,
        code: "rate_limit_exceeded",
        message: `Rate limit of ${options.limit} requests per ${windowMs} ms exceeded`,
        retryAfterSeconds: Math.max(1, secondsUntil(windowEnd)),
        headers,
      }
    }
    return { allowed: true, headers }
  }
}
