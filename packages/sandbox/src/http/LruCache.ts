/**
 * A small least-recently-used cache of strings with an entry cap and a size budget (in UTF-16 code
 * units, roughly bytes). The sandbox's data never changes while it runs, so an answer computed once
 * for a release and request can be reused as is; the cache only bounds the memory that costs.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly size: number }>()
  readonly #maxEntries: number
  readonly #maxSize: number
  #size = 0
  /** The most recently used key (a repeated hit needs no reordering). */
  #newest: string | undefined

  /** At most `maxEntries` entries whose sizes add up to at most `maxSize`. */
  constructor(maxEntries: number, maxSize: number) {
    this.#maxEntries = maxEntries
    this.#maxSize = maxSize
  }

  /** The cached value, now the most recently used; `undefined` when absent. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (key !== this.#newest) {
      // Map keeps insertion order: re-inserting makes this the newest entry.
      this.#entries.delete(key)
      this.#entries.set(key, entry)
      this.#newest = key
    }
    return entry.value
  }

  /** Stores `value` (of `size` units), evicting the least recently used entries to fit. */
  set(key: string, value: V, size: number): void {
    if (size > this.#maxSize) return
    const previous = this.#entries.get(key)
    if (previous !== undefined) {
      this.#entries.delete(key)
      this.#size -= previous.size
    }
    this.#entries.set(key, { value, size })
    this.#newest = key
    this.#size += size
    if (this.#entries.size <= this.#maxEntries && this.#size <= this.#maxSize) return
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#size <= this.#maxSize) break
      this.#entries.delete(oldest)
      this.#size -= entry.size
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size
  }
}

/**
 * Lists built on first request and kept per release (keyed by the object, so they go with it), in
 * one `LruCache` per release; an entry's size is its length plus its key's.
 */
export const listMemoPerRelease = <V>(maxEntries: number, maxSize: number) => {
  const caches = new WeakMap<object, LruCache<ReadonlyArray<V>>>()
  return (release: object, key: string, build: () => ReadonlyArray<V>): ReadonlyArray<V> => {
    let cache = caches.get(release)
    if (cache === undefined) {
      cache = new LruCache<ReadonlyArray<V>>(maxEntries, maxSize)
      caches.set(release, cache)
    }
    let list = cache.get(key)
    if (list === undefined) {
      list = build()
      cache.set(key, list, list.length + key.length)
    }
    return list
  }
}
