/**
 * What the client knows about an API key's rate-limit window, learnt from response headers, and the
 * store that shares it between every client of a process that uses the same key.
 *
 * The store is keyed by a key *fingerprint* (never the key). Its two writes are:
 * - `update`: merge what a response reported (`mergeSnapshot`): within the same window `remaining`
 *   never goes back up, because responses to earlier requests can arrive after later sends;
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
import { parseRateLimitReset, parseRetryAfter } from "./RetryAfter.ts"

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

/**
 * The rate-limit numbers a response carries, or `undefined` when it has none. Reads
 * `ratelimit-limit/remaining/reset/window`, falling back to the `x-ratelimit-*` names (header names in
 * lower case). For a 429 (pass `status`), `remaining` defaults to 0 and the reset to `Retry-After`.
 */
export const readRateLimitHeaders = (
  headers: Readonly<Record<string, string>>,
  nowMs: number,
  status?: number,
): RateLimitSnapshot | undefined => {
  const header = (name: string) => headers[`ratelimit-${name}`] ?? headers[`x-ratelimit-${name}`]
  const limit = leadingInteger(header("limit"))
  let remaining = leadingInteger(header("remaining"))
  let resetMs = parseRateLimitReset(header("reset"), nowMs)
  const windowSeconds = leadingInteger(header("window"))
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
 * The snapshot after `observed` arrives on top of `previous`. A report for a later window (its reset
 * more than half a window after the stored one), or any report once the stored window has ended,
 * replaces the stored state. A report for the same window keeps the lower `remaining` and the later
 * reset: the server's count may not yet include requests this process already sent.
 */
export const mergeSnapshot = (
  previous: RateLimitSnapshot | undefined,
  observed: RateLimitSnapshot,
): RateLimitSnapshot => {
  if (previous?.resetAt === undefined || observed.resetAt === undefined) return observed
  if (previous.resetAt <= observed.observedAt) return observed
  const windowMs = observed.windowMs ?? previous.windowMs ?? defaultWindowMs
  if (observed.resetAt > previous.resetAt + windowMs / 2) return observed
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
 * - window over and `limit` known: the window is rolled forward locally (by whole `windowMs`, default
 *   1 s) with `remaining = limit - 1` — the server would grant a fresh window too, and this keeps a
 *   crowd of callers that waited for the reset from all going at once; window over, limit unknown:
 *   unknown;
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
  const rolled = { ...snapshot, resetAt: resetAt + windowsPassed * windowMs }
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
  const entryFor = (fingerprint: string): Effect.Effect<MemoryEntry> =>
    Effect.sync(() => {
      const existing = entries.get(fingerprint)
      if (existing !== undefined) return existing
      const entry: MemoryEntry = { snapshot: undefined, subscribers: new Set() }
      entries.set(fingerprint, entry)
      return entry
    })
  // The snapshot is written at once (no yield between a reservation's read and its write); the
  // subscribers hear of it when the returned effect runs.
  const store = (entry: MemoryEntry, next: RateLimitSnapshot) => {
    entry.snapshot = next
    return Effect.sync(() => {
      for (const subscriber of entry.subscribers) subscriber(next)
    })
  }
  // Each subscriber first gets the latest snapshot, then every change. Its buffer slides (the
  // newest 16): a slow subscriber only ever needs the newest numbers. Plain callbacks rather than a
  // PubSub or Queue keep those modules out of browser bundles.
  const subscribe = (entry: MemoryEntry): Stream.Stream<RateLimitSnapshot> =>
    Stream.unwrap(
      Effect.sync(() => {
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
        return Stream.fromEffectRepeat(next).pipe(
          Stream.ensuring(Effect.sync(() => entry.subscribers.delete(subscriber))),
        )
      }),
    )
  return {
    get: (fingerprint) =>
      Effect.map(entryFor(fingerprint), (entry) => Option.fromUndefinedOr(entry.snapshot)),
    update: (fingerprint, snapshot) =>
      Effect.flatMap(entryFor(fingerprint), (entry) => store(entry, mergeSnapshot(entry.snapshot, snapshot))),
    reserve: (fingerprint, nowMs) =>
      Effect.flatMap(entryFor(fingerprint), (entry) => {
        const { reservation, next } = reserveSnapshot(entry.snapshot, nowMs)
        return next === undefined ? Effect.succeed(reservation) : Effect.as(store(entry, next), reservation)
      }),
    changes: (fingerprint) => Stream.unwrap(Effect.map(entryFor(fingerprint), subscribe)),
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
