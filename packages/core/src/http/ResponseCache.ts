/**
 * The optional response cache (`cache: true | { maxEntries, ttlMs, pinnedTtlMs, store }`). Vocabulary
 * data is immutable per release, so a successful response can be reused: entries live `ttlMs`
 * (default 5 minutes), or `pinnedTtlMs` (default 24 hours) when the request names its release.
 * Entries are keyed by the key's fingerprint (never the key), method, URL (path, query and release)
 * and body. Only successful, decoded responses are stored; errors never are. Identical requests
 * in flight at the same time share one request.
 *
 * Stores hold plain strings, so a user can put the cache anywhere (Redis, a file, localStorage) by
 * implementing {@link ResponseCacheStore}; the default is an in-memory LRU bounded by entry count.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** Where cached responses live. Values are opaque strings; methods may be sync or async. */
export interface ResponseCacheStore {
  /** The stored value, or `undefined` for a miss. A throw or rejection also counts as a miss. */
  readonly get: (key: string) => string | undefined | Promise<string | undefined>
  /** `ttlMs` is a hint for stores that expire entries themselves; the cache checks expiry anyway. */
  readonly set: (key: string, value: string, ttlMs: number) => void | Promise<void>
  /** Removes an entry; called for entries the cache finds expired or unreadable. */
  readonly delete: (key: string) => void | Promise<void>
}

/** The `cache` client option in object form; every field is optional. */
export interface ResponseCacheOptions {
  /** Entries kept by the default in-memory store (least recently used go first). Default 1000. */
  readonly maxEntries?: number | undefined
  /** Lifetime of an entry, in ms. Default 300 000 (5 minutes). */
  readonly ttlMs?: number | undefined
  /** Lifetime when the request pins its release (`vocabRelease`), in ms. Default 86 400 000 (24 hours). */
  readonly pinnedTtlMs?: number | undefined
  /** A store of your own; `maxEntries` then does not apply. */
  readonly store?: ResponseCacheStore | undefined
}

/** The cache options with every default filled in, as the pipeline uses them. */
export interface ResolvedCacheConfig {
  readonly maxEntries: number
  readonly ttlMs: number
  readonly pinnedTtlMs: number
  readonly store: ResponseCacheStore | undefined
}

export const defaultCacheConfig: ResolvedCacheConfig = {
  maxEntries: 1000,
  ttlMs: 300_000,
  pinnedTtlMs: 86_400_000,
  store: undefined,
}

/** An in-memory LRU store bounded by entry count. */
export const makeMemoryCacheStore = (
  maxEntries: number,
): ResponseCacheStore & {
  /** Entries currently held. */
  readonly size: () => number
} => {
  const entries = new Map<string, string>()
  return {
    get: (key) => {
      const value = entries.get(key)
      if (value !== undefined) {
        // Re-insert so that Map order is least recently used first.
        entries.delete(key)
        entries.set(key, value)
      }
      return value
    },
    set: (key, value) => {
      entries.delete(key)
      entries.set(key, value)
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string
        entries.delete(oldest)
      }
    },
    delete: (key) => {
      entries.delete(key)
    },
    size: () => entries.size,
  }
}

interface StoredEntry {
  readonly expiresAt: number
  readonly status: number
  readonly body: string
}

export interface CachedBody {
  readonly status: number
  readonly body: string
}

export interface ResponseCache {
  readonly lookup: (key: string) => Effect.Effect<CachedBody | undefined>
  readonly save: (key: string, entry: CachedBody, pinned: boolean) => Effect.Effect<void>
}

const fromStore = <A>(thunk: () => A | Promise<A>): Effect.Effect<A | undefined> =>
  Effect.tryPromise(async () => thunk()).pipe(
    Effect.catch((error) =>
      Effect.as(
        Effect.logDebug("omophub cache store failed; treated as a miss", { error: String(error) }),
        undefined,
      ),
    ),
  )

/** The cache over the resolved configuration (a fresh in-memory store unless one is given). */
export const makeResponseCache = (config: ResolvedCacheConfig): ResponseCache => {
  const store = config.store ?? makeMemoryCacheStore(config.maxEntries)
  return {
    lookup: (key) =>
      Effect.gen(function* () {
        const raw = yield* fromStore(() => store.get(key))
        if (typeof raw !== "string") return undefined
        let entry: StoredEntry
        try {
          entry = JSON.parse(raw) as StoredEntry
        } catch {
          yield* fromStore(() => store.delete(key))
          return undefined
        }
        if (typeof entry.body !== "string" || !(entry.expiresAt > (yield* Clock.currentTimeMillis))) {
          yield* fromStore(() => store.delete(key))
          return undefined
        }
        return { status: entry.status, body: entry.body }
      }),
    save: (key, entry, pinned) =>
      Effect.gen(function* () {
        const ttlMs = pinned ? config.pinnedTtlMs : config.ttlMs
        const expiresAt = (yield* Clock.currentTimeMillis) + ttlMs
        const stored: StoredEntry = { expiresAt, status: entry.status, body: entry.body }
        yield* fromStore(() => store.set(key, JSON.stringify(stored), ttlMs))
      }),
  }
}
