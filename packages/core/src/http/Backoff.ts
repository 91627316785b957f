/**
 * Exponential backoff with full jitter, used between retries when the server gave no wait hint:
 *
 *     delay(attempt) = floor(random × min(capMs, baseMs × 2^attempt))
 *
 * `attempt` is 0-based (0 = the wait before the first retry), `random` is uniform in [0, 1).
 * Defaults: base 500 ms, cap 8000 ms, so the ceilings run 500, 1000, 2000, 4000, 8000, 8000… ms.
 * Full jitter (rather than the ±25 % of older SDKs) spreads the retries of many clients that failed
 * at the same moment across the whole interval instead of bunching them together.
 *
 * @module
 */

/** Tuning of the backoff ceilings; both default when omitted. */
export interface BackoffOptions {
  /** Ceiling of the first wait. Default 500 ms. */
  readonly baseMs?: number | undefined
  /** Largest ceiling any wait can have. Default 8000 ms. */
  readonly capMs?: number | undefined
}

export const defaultBackoffBaseMs = 500
export const defaultBackoffCapMs = 8000

/** The upper bound of the wait before retry number `attempt + 1`: min(cap, base × 2^attempt). */
export const backoffCeiling = (attempt: number, options?: BackoffOptions): number => {
  const base = Math.max(0, options?.baseMs ?? defaultBackoffBaseMs)
  const cap = Math.max(0, options?.capMs ?? defaultBackoffCapMs)
  const exponent = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0
  // 2^exponent overflows to Infinity for large attempts; min() then yields the cap, as intended.
  return Math.min(cap, base * 2 ** exponent)
}

/** Milliseconds to wait before retry number `attempt + 1` (see the module doc for the formula). */
export const backoffDelay = (attempt: number, random: number, options?: BackoffOptions): number => {
  // Keep the factor in [0, 1) even if a caller passes something odd, so the result stays in bounds.
  const factor = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1 - Number.EPSILON) : 0
  return Math.floor(factor * backoffCeiling(attempt, options))
}
