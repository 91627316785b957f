/**
 * The SDK's one retry module. The transport never retries; the pipeline wraps each call (one
 * attempt = rate-limit gate + send + classify) in `retrying`, and nothing else retries.
 *
 * Rules of `retrying`:
 * 1. A failure is retried only if `isRetryable(error, request)` holds (see `Classify.ts`) and fewer
 *    than `maxRetries` retries have run; otherwise it fails with that error at once. In particular the
 *    rate-limit gate's own refusal (`client_rate_limited`, e.g. under `onRateLimitExhausted: "fail"`)
 *    is never retried here; a server 429 is.
 * 2. The wait before retry n (n = 1, 2, …) is `retryDelay(error, n - 1, random)`:
 *    - the error carries `retryAfter` (the server's `Retry-After`, any status): that many seconds,
 *      clamped to [0, maxServerWaitMs] (default 60 s);
 *    - a `RateLimitError` without it, when `rateLimitResetMs` reports a known window reset: wait for the
 *      reset, clamped the same way;
 *    - otherwise full-jitter backoff: random × min(capMs, baseMs × 2^(n-1)) (`Backoff.ts`).
 *    `random` comes from Effect's `Random` service, so tests can seed it.
 *    When the server asks for a longer wait than maxServerWaitMs (its `Retry-After`, or the reset of an
 *    exhausted window), the call is not retried early: it fails at once with the server's own error,
 *    which carries `retryAfter`, so the caller can decide (retrying before the server's time would only
 *    provoke another 429).
 * 3. With a `deadline` (epoch ms from `Clock`, the call's total budget), a wait that would end at or
 *    after the deadline is not started: the call fails with the last error immediately.
 * 4. Waits use `Effect.sleep` (so `TestClock` drives them) and are interruptible: interrupting the
 *    call during a wait ends it at once, without another attempt.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type { OmopHubError } from "../Errors.ts"
import { backoffDelay } from "./Backoff.ts"
import { isRetryable, type RetryRequest } from "./Classify.ts"

export const defaultMaxServerWaitMs = 60_000

/** Tuning of `retryDelay`; every field has a default. */
export interface RetryDelayOptions {
  /** Backoff base. Default 500 ms. */
  readonly baseMs?: number | undefined
  /** Backoff cap. Default 8000 ms. */
  readonly capMs?: number | undefined
  /**
   * Longest server-requested wait honoured. Default 60 000 ms. `retryDelay` clamps a longer one to
   * it, but `retrying` never waits that out: it fails at once with the server's error instead.
   */
  readonly maxServerWaitMs?: number | undefined
  /** Milliseconds until the rate-limit window resets, when known (used for a 429 without Retry-After). */
  readonly rateLimitResetMs?: number | undefined
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/** The wait the server asked for (Retry-After, or a known window reset for a 429), unclamped. */
const serverRequestedMs = (error: OmopHubError, rateLimitResetMs: number | undefined): number | undefined => {
  const retryAfter = "retryAfter" in error ? error.retryAfter : undefined
  if (retryAfter !== undefined && Number.isFinite(retryAfter)) return Math.ceil(retryAfter * 1000)
  if (error._tag === "RateLimitError" && rateLimitResetMs !== undefined) return Math.ceil(rateLimitResetMs)
  return undefined
}

/**
 * Milliseconds to wait before retrying after `error`; `attempt` is 0-based and `random` uniform in
 * [0, 1) (see the module doc).
 */
export const retryDelay = (
  error: OmopHubError,
  attempt: number,
  random: number,
  options: RetryDelayOptions = {},
): number => {
  const maxServerWaitMs = Math.max(0, options.maxServerWaitMs ?? defaultMaxServerWaitMs)
  const retryAfter = "retryAfter" in error ? error.retryAfter : undefined
  if (retryAfter !== undefined && Number.isFinite(retryAfter)) {
    return clamp(Math.ceil(retryAfter * 1000), 0, maxServerWaitMs)
  }
  if (error._tag === "RateLimitError" && options.rateLimitResetMs !== undefined) {
    return clamp(Math.ceil(options.rateLimitResetMs), 0, maxServerWaitMs)
  }
  return backoffDelay(attempt, random, { baseMs: options.baseMs, capMs: options.capMs })
}

/** Passed to `onRetry` just before a wait starts. */
export interface RetryInfo {
  /** The retry about to happen: 1 for the first retry. */
  readonly attempt: number
  /** How long the wait before it lasts. */
  readonly delayMs: number
  /** The failure being retried. */
  readonly error: OmopHubError
}

/** Options of `retrying`: the retry budget, the request's retry facts, the deadline and the wait tuning. */
export interface RetryingOptions<R = never> {
  /** Retries after the first attempt (so at most maxRetries + 1 attempts). Default 0 when not finite. */
  readonly maxRetries: number
  /** What `isRetryable` needs to know about the request (method, idempotency). */
  readonly request: RetryRequest
  /** Epoch ms (Clock time) by which the whole call must end; waits past it are not started. */
  readonly deadline?: number | undefined
  /** Backoff base. Default 500 ms. */
  readonly baseMs?: number | undefined
  /** Backoff cap. Default 8000 ms. */
  readonly capMs?: number | undefined
  /**
   * Longest server-requested wait (`Retry-After`, or a known window reset) to wait out before a
   * retry. Default 60 000 ms. When the server asks for longer, the call fails at once with the
   * server's error, which carries `retryAfter`.
   */
  readonly maxServerWaitMs?: number | undefined
  /**
   * Looked up only for a `RateLimitError` without `retryAfter`: milliseconds until the key's rate-limit
   * window resets, if known (e.g. `millisUntilReset(fingerprint)` from `RateLimitState.ts`).
   */
  readonly rateLimitResetMs?: Effect.Effect<number | undefined, never, R> | undefined
  /** Called before each wait, e.g. to log or count retries. */
  readonly onRetry?: ((info: RetryInfo) => Effect.Effect<void>) | undefined
}

/** Runs `effect`, retrying its failures by the rules in the module doc. */
export const retrying = <A, E extends OmopHubError, R, R2 = never>(
  effect: Effect.Effect<A, E, R>,
  options: RetryingOptions<R2>,
): Effect.Effect<A, E, R | R2> => {
  const maxRetries = Number.isFinite(options.maxRetries) ? Math.max(0, Math.floor(options.maxRetries)) : 0
  const afterFailure = (error: E, retriesDone: number): Effect.Effect<A, E, R | R2> =>
    Effect.gen(function* () {
      if (retriesDone >= maxRetries || !isRetryable(error, options.request)) return yield* Effect.fail(error)
      const random = yield* Random.next
      const rateLimitResetMs =
        error._tag === "RateLimitError" && error.retryAfter === undefined && options.rateLimitResetMs
          ? yield* options.rateLimitResetMs
          : undefined
      const requested = serverRequestedMs(error, rateLimitResetMs)
      if (requested !== undefined && requested > (options.maxServerWaitMs ?? defaultMaxServerWaitMs)) {
        return yield* Effect.fail(error)
      }
      const delayMs = retryDelay(error, retriesDone, random, {
        baseMs: options.baseMs,
        capMs: options.capMs,
        maxServerWaitMs: options.maxServerWaitMs,
        rateLimitResetMs,
      })
      if (options.deadline !== undefined) {
        const now = yield* Clock.currentTimeMillis
        if (now + delayMs >= options.deadline) return yield* Effect.fail(error)
      }
      if (options.onRetry) yield* options.onRetry({ attempt: retriesDone + 1, delayMs, error })
      yield* Effect.sleep(delayMs)
      return yield* attempt(retriesDone + 1)
    })
  const attempt = (retriesDone: number): Effect.Effect<A, E, R | R2> =>
    Effect.catch(effect, (error) => afterFailure(error, retriesDone))
  return attempt(0)
}
