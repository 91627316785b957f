/**
 * The client-side gate every attempt passes before it is sent, so that the client does not provoke
 * 429s it could have foreseen. `withPermit(fingerprint, send)`:
 * 1. holds one of `concurrency` permits (default 8) for the whole attempt (a Semaphore), so a burst of
 *    callers queues instead of flooding the API;
 * 2. with `requestsPerSecond`, spaces attempt starts at least 1000 / requestsPerSecond ms apart (a
 *    bucket of one token refilled on the Clock);
 * 3. reserves one request from the key's budget in the `RateLimitStore` (`reserveSnapshot`): known
 *    `remaining` is decremented locally on every send, so 32 callers against `remaining = 5` send 5;
 *    the rest wait for the window's reset and then share the next window the same way;
 * 4. when the budget is used up: `onExhausted: "wait"` (default) sleeps until the reset, unless the
 *    reset is more than `maxWaitMs` (default 60 s) away or at/after the caller's `deadline`;
 *    `onExhausted: "fail"` and those two cases fail at once with a `RateLimitError` whose code is
 *    `client_rate_limited` (status 429, retryable, `retryAfter` = seconds to the reset). The request
 *    was never sent, so the caller may safely send it again later, whatever the method; the pipeline's
 *    retries do not (`isRetryable` in `Classify.ts`), since waiting for the reset is what the gate
 *    just declined to do.
 * 5. while nothing is known about a key's budget (no response with rate-limit headers yet), one
 *    attempt goes out alone as a probe and the others wait for what its response teaches. After the
 *    probe, an unknown budget (an API or proxy that sends no such headers) no longer holds anyone back.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import { RateLimitError } from "../Errors.ts"
import { RateLimitStore, type RateLimitStoreShape, type Reservation } from "./RateLimitState.ts"

/** Code of the `RateLimitError` raised by the gate itself (no request was sent). */
export const clientRateLimitedCode = "client_rate_limited"

export const defaultConcurrency = 8
export const defaultMaxWaitMs = 60_000

/** Limits of one gate (one per client); `makeRequestPipeline` fills them from the client configuration. */
export interface RateLimitGateOptions {
  /** Attempts in flight at once. Default 8. */
  readonly concurrency?: number | undefined
  /** When set, attempt starts are spaced to at most this many per second. */
  readonly requestsPerSecond?: number | undefined
  /** What to do when the key's budget is used up. Default "wait". */
  readonly onExhausted?: "wait" | "fail" | undefined
  /** Longest wait for a reset; a later reset fails at once. Default 60 000 ms. */
  readonly maxWaitMs?: number | undefined
}

/** What one attempt tells the gate about itself. */
export interface PermitOptions {
  /** Epoch ms (Clock time) by which the call must end: a wait for a reset at or after it is not started. */
  readonly deadline?: number | undefined
  /** Named in the error when the gate refuses. */
  readonly operation?: string | undefined
}

/** Admits attempts under the concurrency, pacing and per-key budget rules described in this module. */
export interface RateLimitGate {
  /** Runs `effect` (one attempt) once the gate lets it through; see the module doc. */
  readonly withPermit: <A, E, R>(
    fingerprint: string,
    effect: Effect.Effect<A, E, R>,
    options?: PermitOptions,
  ) => Effect.Effect<A, E | RateLimitError, R | RateLimitStore>
  /** `withPermit` with the store given rather than looked up (the pipeline's per-attempt path). */
  readonly withPermitIn: <A, E, R>(
    store: RateLimitStoreShape,
    fingerprint: string,
    effect: Effect.Effect<A, E, R>,
    options?: PermitOptions,
  ) => Effect.Effect<A, E | RateLimitError, R>
}

const positiveOr = (value: number | undefined, fallback: number) =>
  value !== undefined && value > 0 && !Number.isNaN(value) ? value : fallback

/** A gate with its own permits and pacing; the budget per key lives in the `RateLimitStore`. */
export const makeRateLimitGate = (options: RateLimitGateOptions = {}): RateLimitGate => {
  const concurrency = Math.floor(positiveOr(options.concurrency, defaultConcurrency))
  const permits = Semaphore.makeUnsafe(Number.isFinite(concurrency) ? concurrency : Number.MAX_SAFE_INTEGER)
  const maxWaitMs = Math.max(0, options.maxWaitMs ?? defaultMaxWaitMs)
  const spacingMs =
    options.requestsPerSecond !== undefined && options.requestsPerSecond > 0
      ? 1000 / options.requestsPerSecond
      : 0
  let nextStartAt = Number.NEGATIVE_INFINITY

  // Takes the next start slot synchronously (so concurrent fibers get distinct slots), then waits for it.
  const pace: Effect.Effect<void> =
    spacingMs === 0
      ? Effect.void
      : Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const startAt = Math.max(now, nextStartAt)
          nextStartAt = startAt + spacingMs
          return startAt > now ? Effect.sleep(startAt - now) : Effect.void
        })

  const refuse = (resetAt: number, now: number, operation: string | undefined) =>
    new RateLimitError({
      message: `Rate limit of this API key is used up; the window resets in ${Math.ceil((resetAt - now) / 1000)} s. The request was not sent.`,
      status: 429,
      code: clientRateLimitedCode,
      retryAfter: (resetAt - now) / 1000,
      operation,
      retryable: true,
    })

  // Fingerprints whose first ("probe") attempt has completed: from then on an unknown budget means the
  // API sends no rate-limit headers (or they expired), and attempts are not serialised any more.
  const probed = new Set<string>()
  const probes = new Map<string, Semaphore.Semaphore>()
  const probeFor = (fingerprint: string) => {
    let probe = probes.get(fingerprint)
    if (probe === undefined) {
      probe = Semaphore.makeUnsafe(1)
      probes.set(fingerprint, probe)
    }
    return probe
  }

  /**
   * Runs `effect` as the probe, or returns the reservation that a concurrent probe's response made
   * possible. Only one attempt per fingerprint goes out blind; the others wait for what it teaches.
   */
  const probeOrReserve = <A, E, R>(
    fingerprint: string,
    store: RateLimitStoreShape,
    effect: Effect.Effect<A, E, R>,
  ): Effect.Effect<{ readonly sent: A } | { readonly reservation: Reservation }, E, R> => {
    const probe = probeFor(fingerprint)
    return Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        yield* restore(probe.take(1))
        const reservation = yield* store.reserve(fingerprint, yield* Clock.currentTimeMillis)
        if (reservation._tag !== "Unknown" || probed.has(fingerprint)) {
          yield* probe.release(1)
          return { reservation }
        }
        const sent = yield* restore(effect).pipe(
          Effect.ensuring(
            Effect.andThen(
              Effect.sync(() => probed.add(fingerprint)),
              probe.release(1),
            ),
          ),
        )
        return { sent }
      }),
    )
  }

  // The loop for every case but the common one (see `admit`), from a first reservation.
  const admitSlowly = <A, E, R>(
    fingerprint: string,
    store: RateLimitStoreShape,
    first: Reservation,
    effect: Effect.Effect<A, E, R>,
    permit: PermitOptions | undefined,
  ) =>
    Effect.gen(function* () {
      let reservation = first
      while (true) {
        if (reservation._tag === "Unknown" && !probed.has(fingerprint)) {
          const outcome = yield* probeOrReserve(fingerprint, store, effect)
          if ("sent" in outcome) return outcome.sent
          reservation = outcome.reservation
        }
        if (reservation._tag !== "Exhausted") return yield* effect
        const now = yield* Clock.currentTimeMillis
        const { resetAt } = reservation
        if (
          options.onExhausted === "fail" ||
          resetAt - now > maxWaitMs ||
          (permit?.deadline !== undefined && resetAt >= permit.deadline)
        ) {
          return yield* Effect.fail(refuse(resetAt, now, permit?.operation))
        }
        yield* Effect.sleep(resetAt - now)
        reservation = yield* store.reserve(fingerprint, yield* Clock.currentTimeMillis)
      }
    })

  // The common case, a budget with room (or one known to be untracked), goes straight to `effect`.
  const admit = <A, E, R>(
    store: RateLimitStoreShape,
    fingerprint: string,
    effect: Effect.Effect<A, E, R>,
    permit: PermitOptions | undefined,
  ): Effect.Effect<A, E | RateLimitError, R> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.flatMap(store.reserve(fingerprint, now), (reservation) =>
        reservation._tag === "Granted" || (reservation._tag === "Unknown" && probed.has(fingerprint))
          ? effect
          : admitSlowly(fingerprint, store, reservation, effect, permit),
      ),
    )

  const withPermitIn: RateLimitGate["withPermitIn"] = (store, fingerprint, effect, permit) =>
    permits.withPermit(
      spacingMs === 0
        ? admit(store, fingerprint, effect, permit)
        : Effect.andThen(pace, admit(store, fingerprint, effect, permit)),
    )

  return {
    withPermit: (fingerprint, effect, permit) =>
      Effect.flatMap(Effect.service(RateLimitStore), (store) =>
        withPermitIn(store, fingerprint, effect, permit),
      ),
    withPermitIn,
  }
}
