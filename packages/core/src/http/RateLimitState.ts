/**
 * What the client knows about an API key's rate-limit window, learnt from response headers, and the
 * store that shares it between every client of a process that uses the same key.
 *
 * The store is keyed by a key *fingerprint* (never the key). Its two writes are:
 * - `update`: merge what a response reported (`mergeSnapshot`): while the stored window is open,
 *   `remaining` never goes back up, because responses to earlier requests can arrive after later sends;
 * - `reserve`: the gate's atomic check-and-decrement before a send (`reserveSnapshot`), so that
 *   concurrent callers share the remaining budget instead of all going at once.
 * Both are pure functions over a snapshot, exported so that another store (one shared by several
 * processes, e.g. over Redis) can apply exactly the same rules atomically on its side. Store
 * operations cannot fail: rate limiting is advisory, so a remote store should fail open.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { epochMillisThreshold, parseRateLimitReset, parseRetryAfter } from "./RetryAfter.ts"

/** What the client knows about one key's rate-limit window; every number is optional because servers report different subsets. */
export interface RateLimitSnapshot {
  /** Requests allowed per window. */
  readonly limit?: number | undefined
  /** Requests left in the current window. */
  readonly remaining?: number | undefined
  /** When the current window ends (epoch ms). */
  readonly resetAt?: number | undefined
  /** Length of a window (from `ratelimit-window`), used to roll the window forward locally. */
  readonly windowMs?: number | undefined
  /** When the server last reported these numbers (epoch ms). */
  readonly observedAt: number
}

/** Window length assumed when the server does not send `ratelimit-window` (OMOPHub limits per second). */
export const defaultWindowMs = 1000

const leadingInteger = (value: string | undefined): number | undefined => {
  // Lenient: the older IETF drafts allow a policy after the number, e.g. `10, 10;w=1`.
  const match = value === undefined ? null : /^\s*(\d+)/.exec(value)
  if (match === null) return undefined
  const n = Number(match[1])
  return Number.isSafeInteger(n) ? n : undefined
}

const wholeSeconds = /^\s*\d+\s*$/

/**
 * The rate-limit numbers a response carries, or `undefined` when it has none. Reads
 * `ratelimit-limit/remaining/reset/window`, falling back to the `x-ratelimit-*` names (header names in
 * lower case). For a 429 (pass `status`), `remaining` defaults to 0 and the reset to `Retry-After`.
 *
 * The reset, in whole seconds from when the server handled the request, is counted from `nowMs`
 * (when the response arrived), so a server that rounds up (as the sandbox does) gives a time no
 * earlier than the window's real end; a reset of 0 is read as "within a second" (see below).
 */
export const readRateLimitHeaders = (
  headers: Readonly<Record<string, string>>,
  nowMs: number,
  status?: number,
): RateLimitSnapshot | undefined => {
  const header = (name: string) => headers[`ratelimit-${name}`] ?? headers[`x-ratelimit-${name}`]
  const limit = leadingInteger(header("limit"))
  let remaining = leadingInteger(header("remaining"))
  const reset = header("reset")
  let resetMs = parseRateLimitReset(reset, nowMs)
  const windowSeconds = leadingInteger(header("window"))
  // A reset in whole seconds that is already reached (`0`, or an epoch second not after now) comes
  // from a server that rounds down: its window ends within the next second, not now. Ending the
  // window locally at once would let a burst through while the server's window is still full.
  if (
    resetMs === 0 &&
    reset !== undefined &&
    wholeSeconds.test(reset) &&
    Number(reset) < epochMillisThreshold
  ) {
    resetMs = 1000
  }
  if (status === 429) {
    remaining ??= 0
    resetMs ??= parseRetryAfter(headers["retry-after"], nowMs)
  }
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined
  return {
    limit,
    remaining,
    resetAt: resetMs === undefined ? undefined : nowMs + resetMs,
    windowMs: windowSeconds === undefined || windowSeconds === 0 ? undefined : windowSeconds * 1000,
    observedAt: nowMs,
  }
}

const minDefined = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b)

/**
 * The snapshot after `observed` arrives on top of `previous`. Once the stored window has ended
 * (its reset at or before the report's arrival), the report replaces the stored state. While it is
 * still open, the report is merged into it, keeping the lower `remaining` and the later reset —
 * whatever reset the report gives:
 * - a report's `remaining` is the server's count when *that* request arrived; the requests this
 *   process sent after it (still in flight) are not in it, so it must never raise the local count;
 * - a reset in whole seconds (`ratelimit-reset: 1`) only bounds the window's end from above
 *   (anything up to a second, counted from when the response arrived), so a report whose reset
 *   lies well after the stored one is no proof of a later window: a slow response to a request of
 *   the same window says the same. Treating it as a fresh window (as this once did, for a reset more
 *   than half a window later) let the gate send requests the server then refused with 429.
 * A fresh window is taken up by `reserveSnapshot` when the stored reset passes.
 */
export const mergeSnapshot = (
  previous: RateLimitSnapshot | undefined,
  observed: RateLimitSnapshot,
): RateLimitSnapshot => {
  if (previous?.resetAt === undefined || observed.resetAt === undefined) return observed
  if (previous.resetAt <= observed.observedAt) return observed
  return {
    ...observed,
    remaining: minDefined(previous.remaining, observed.remaining),
    resetAt: Math.max(previous.resetAt, observed.resetAt),
  }
}

/** The outcome of asking to send one request now. */
export type Reservation =
  /** Within the known budget (now taken from it). */
  | { readonly _tag: "Granted" }
  /** The window's budget is used up; sending before `resetAt` would be answered with 429. */
  | { readonly _tag: "Exhausted"; readonly resetAt: number }
  /** Nothing is known about the current window (no response with rate-limit headers yet). */
  | { readonly _tag: "Unknown" }

const granted: Reservation = { _tag: "Granted" }
const unknown: Reservation = { _tag: "Unknown" }

/**
 * Takes one request from the budget at `nowMs`. Returns the reservation and the snapshot to store
 * (`undefined`: unchanged). Rules:
 * - nothing known about `remaining`: unknown, nothing recorded;
 * - window still open (`resetAt` in the future): granted and `remaining` decremented when it is above
 *   0, else exhausted until `resetAt`;
 * - window over and `limit` known: the window is rolled forward locally (to a whole number of
 *   `windowMs`, default 1 s, after the old reset, and at least `windowMs` after `nowMs`) with
 *   `remaining = limit - 1` — the server would grant a fresh window too, and this keeps a crowd of
 *   callers that waited for the reset from all going at once; window over, limit unknown: unknown;
 * - no reset known: granted (decrementing `remaining` while positive): without a time to wait for,
 *   the server decides.
 */
export const reserveSnapshot = (
  snapshot: RateLimitSnapshot | undefined,
  nowMs: number,
): { readonly reservation: Reservation; readonly next: RateLimitSnapshot | undefined } => {
  if (snapshot?.remaining === undefined) return { reservation: unknown, next: undefined }
  const { remaining, resetAt } = snapshot
  if (resetAt === undefined) {
    return {
      reservation: granted,
      next: remaining > 0 ? { ...snapshot, remaining: remaining - 1 } : undefined,
    }
  }
  if (resetAt > nowMs) {
    return remaining > 0
      ? { reservation: granted, next: { ...snapshot, remaining: remaining - 1 } }
      : { reservation: { _tag: "Exhausted", resetAt }, next: undefined }
  }
  if (snapshot.limit === undefined) return { reservation: unknown, next: undefined }
  const windowMs = snapshot.windowMs ?? defaultWindowMs
  const windowsPassed = Math.floor((nowMs - resetAt) / windowMs) + 1
  // A server whose window starts with the first request after the last one ended (a fixed window
  // per key, like the sandbox's) ends the new window no earlier than `nowMs + windowMs`: never
  // assume an earlier end, even after an idle spell (windows aligned to the clock end earlier, which
  // only costs part of one window).
  const rolled = { ...snapshot, resetAt: Math.max(resetAt + windowsPassed * windowMs, nowMs + windowMs) }
  return snapshot.limit > 0
    ? { reservation: granted, next: { ...rolled, remaining: snapshot.limit - 1 } }
    : { reservation: { _tag: "Exhausted", resetAt: rolled.resetAt }, next: { ...rolled, remaining: 0 } }
}

/**
 * What a `RateLimitStore` offers. Implement it (applying `mergeSnapshot` and `reserveSnapshot`
 * atomically) to share rate-limit state beyond one process.
 */
export interface RateLimitStoreShape {
  /** The current snapshot for a key fingerprint. */
  readonly get: (fingerprint: string) => Effect.Effect<Option.Option<RateLimitSnapshot>>
  /** Records what a response reported (merged by `mergeSnapshot`). */
  readonly update: (fingerprint: string, snapshot: RateLimitSnapshot) => Effect.Effect<void>
  /** Atomically takes one request from the budget (`reserveSnapshot`). */
  readonly reserve: (fingerprint: string, nowMs: number) => Effect.Effect<Reservation>
  /** The latest snapshot (if any) and then every change, e.g. for a progress display. */
  readonly changes: (fingerprint: string) => Stream.Stream<RateLimitSnapshot>
}

interface MemoryEntry {
  snapshot: RateLimitSnapshot | undefined
  /** One per `changes` subscriber, offering to its buffer (plain callbacks: no PubSub in browser bundles). */
  readonly subscribers: Set<(snapshot: RateLimitSnapshot) => void>
}

/** A fresh in-memory store (its own state; for tests or deliberately isolated clients). */
export const makeMemoryStore = (): RateLimitStoreShape => {
  const entries = new Map<string, MemoryEntry>()
  const entryFor = (fingerprint: string): MemoryEntry => {
    const existing = entries.get(fingerprint)
    if (existing !== undefined) return existing
    const entry: MemoryEntry = { snapshot: undefined, subscribers: new Set() }
    entries.set(fingerprint, entry)
    return entry
  }
  // Writes the snapshot and tells every subscriber in the same synchronous step: no fiber can yield
  // or be interrupted between a write and its report, so subscribers hear of changes in the order
  // they were made and never miss one. Without subscribers (the common case) it is a plain write.
  const store = (entry: MemoryEntry, next: RateLimitSnapshot): void => {
    entry.snapshot = next
    if (entry.subscribers.size === 0) return
    for (const subscriber of entry.subscribers) subscriber(next)
  }
  // Each subscriber first gets the latest snapshot, then every change. Its buffer slides (the
  // newest 16): a slow subscriber only ever needs the newest numbers. Plain callbacks rather than a
  // PubSub or Queue keep those modules out of browser bundles. The callback is added and its removal
  // registered in one uninterruptible step (`acquireRelease` in the stream's own scope, which
  // `Stream.unwrap` provides), so a consumer interrupted at any point leaves no subscriber behind.
  const subscribe = (fingerprint: string): Stream.Stream<RateLimitSnapshot> =>
    Stream.unwrap(
      Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => {
            const entry = entryFor(fingerprint)
            const buffer: Array<RateLimitSnapshot> = entry.snapshot === undefined ? [] : [entry.snapshot]
            let wake: (() => void) | undefined
            const subscriber = (snapshot: RateLimitSnapshot) => {
              buffer.push(snapshot)
              if (buffer.length > 16) buffer.shift()
              const waiting = wake
              wake = undefined
              waiting?.()
            }
            entry.subscribers.add(subscriber)
            const next = Effect.callback<RateLimitSnapshot>((resume) => {
              const take = () => resume(Effect.succeed(buffer.shift()!))
              if (buffer.length > 0) return take()
              wake = take
              return Effect.sync(() => {
                wake = undefined
              })
            })
            return { entry, subscriber, next }
          }),
          ({ entry, subscriber }) => Effect.sync(() => entry.subscribers.delete(subscriber)),
        ),
        ({ next }) => Stream.fromEffectRepeat(next),
      ),
    )
  return {
    get: (fingerprint) => Effect.sync(() => Option.fromUndefinedOr(entryFor(fingerprint).snapshot)),
    update: (fingerprint, snapshot) =>
      Effect.sync(() => {
        const entry = entryFor(fingerprint)
        store(entry, mergeSnapshot(entry.snapshot, snapshot))
      }),
    reserve: (fingerprint, nowMs) =>
      Effect.sync(() => {
        const entry = entryFor(fingerprint)
        const { reservation, next } = reserveSnapshot(entry.snapshot, nowMs)
        if (next !== undefined) store(entry, next)
        return reservation
      }),
    changes: subscribe,
  }
}

let processStore: RateLimitStoreShape | undefined

/** Rate-limit state per key fingerprint, shared by all clients that use the same key. */
export class RateLimitStore extends Context.Service<RateLimitStore, RateLimitStoreShape>()(
  "@omophub/core/RateLimitStore",
) {
  /** The process-wide in-memory store: every client of this process built with it shares one state. */
  static readonly layerMemory: Layer.Layer<RateLimitStore> = Layer.sync(RateLimitStore, () => {
    processStore ??= makeMemoryStore()
    return processStore
  })

  /** A store private to the clients built from this layer (tests, isolated clients). */
  static readonly layerMemoryIsolated: Layer.Layer<RateLimitStore> = Layer.sync(
    RateLimitStore,
    makeMemoryStore,
  )
}

/** Milliseconds until the key's known rate-limit window resets, or `undefined` when no reset is known. */
export const millisUntilReset = (
  fingerprint: string,
): Effect.Effect<number | undefined, never, RateLimitStore> =>
  Effect.gen(function* () {
    const snapshot = yield* (yield* RateLimitStore).get(fingerprint)
    const now = yield* Clock.currentTimeMillis
    return Option.isSome(snapshot) && snapshot.value.resetAt !== undefined
      ? Math.max(0, snapshot.value.resetAt - now)
      : undefined
  })
