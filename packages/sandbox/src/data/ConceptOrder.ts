/**
 * Orderings and small-integer codes over a release's concepts, built lazily (once per release and
 * key, on first use, so start-up does not pay for them) and shared by every request:
 *
 * - `rank(key)`: per position in `conceptList` (concept id order), the dense rank of the concept's name, code or start date under the
 *   listings' collator (`compareTextBase`): two concepts compare like their ranks, so a listing
 *   sorts a page's candidates by integers instead of calling the collator, with identical results;
 * - `rowHead`: per position, the concept's row JSON without its closing brace;
 * - `facets`: per position, a small integer for the concept's vocabulary, domain and class, so
 *   facets are counted in typed arrays instead of maps of strings.
 */
import { compareText, compareTextBase, conceptRowJson } from "../routes/Shapes.ts"
import type { Concept, VocabularyRelease } from "./Release.ts"

export type TextKey = "name" | "code" | "date"

const textOf: Record<TextKey, (concept: Concept) => string> = {
  name: (concept) => concept.concept_name,
  code: (concept) => concept.concept_code,
  date: (concept) => concept.valid_start_date,
}

/** Distinct values of one facet field: the value of each code, its JSON and its `compareText` rank. */
export interface FacetField {
  /** Per position: the code of the concept's value. */
  readonly codes: Uint32Array
  readonly values: ReadonlyArray<string>
  /** `{"value":<value>,"count":` per code. */
  readonly prefixes: ReadonlyArray<string>
  /** Per code: dense rank of the value under `compareText`. */
  readonly ranks: Uint32Array
  /** Per code: zeros, for a count to use and zero again (requests run one at a time). */
  readonly scratch: Uint32Array
  /** Per code: room for a list of codes (work space, like `scratch`). */
  readonly order: Uint32Array
}

export interface FacetCodes {
  readonly vocabularies: FacetField
  readonly domains: FacetField
  readonly classes: FacetField
}

const facetField = (concepts: ReadonlyArray<Concept>, fieldOf: (concept: Concept) => string): FacetField => {
  const codeOf = new Map<string, number>()
  const values: string[] = []
  const codes = new Uint32Array(concepts.length)
  for (let position = 0; position < concepts.length; position++) {
    const value = fieldOf(concepts[position]!)
    let code = codeOf.get(value)
    if (code === undefined) {
      code = values.length
      codeOf.set(value, code)
      values.push(value)
    }
    codes[position] = code
  }
  const ranks = new Uint32Array(values.length)
  const sorted = values.map((_, code) => code).sort((a, b) => compareText(values[a]!, values[b]!))
  let rank = 0
  for (let index = 0; index < sorted.length; index++) {
    if (index > 0 && compareText(values[sorted[index - 1]!]!, values[sorted[index]!]!) !== 0) rank++
    ranks[sorted[index]!] = rank
  }
  return {
    codes,
    values,
    prefixes: values.map((value) => `{"value":${JSON.stringify(value)},"count":`),
    ranks,
    scratch: new Uint32Array(values.length),
    order: new Uint32Array(values.length),
  }
}

export class ConceptOrder {
  readonly #release: VocabularyRelease
  readonly #ranks = new Map<TextKey, Uint32Array>()
  #facets: FacetCodes | undefined
  #rowHeads: Array<string | undefined> | undefined

  constructor(release: VocabularyRelease) {
    this.#release = release
  }

  /** The concept's row JSON (`conceptRowJson`) without its closing brace, for appending fields. */
  rowHead(position: number): string {
    this.#rowHeads ??= new Array<string | undefined>(this.#release.conceptList.length)
    let head = this.#rowHeads[position]
    if (head === undefined) {
      head = conceptRowJson(this.#release.conceptList[position]!).slice(0, -1)
      this.#rowHeads[position] = head
    }
    return head
  }

  /** Per position, the dense rank of the key's text under `compareTextBase`. */
  rank(key: TextKey): Uint32Array {
    let ranks = this.#ranks.get(key)
    if (ranks === undefined) {
      const list = this.#release.conceptList
      const text = textOf[key]
      const texts = list.map(text)
      const sorted = texts
        .map((_, position) => position)
        .sort((a, b) => compareTextBase(texts[a]!, texts[b]!))
      ranks = new Uint32Array(list.length)
      let rank = 0
      for (let index = 0; index < sorted.length; index++) {
        if (index > 0 && compareTextBase(texts[sorted[index - 1]!]!, texts[sorted[index]!]!) !== 0) rank++
        ranks[sorted[index]!] = rank
      }
      this.#ranks.set(key, ranks)
    }
    return ranks
  }

  get facets(): FacetCodes {
    if (this.#facets === undefined) {
      const list = this.#release.conceptList
      this.#facets = {
        vocabularies: facetField(list, (concept) => concept.vocabulary_id),
        domains: facetField(list, (concept) => concept.domain_id),
        classes: facetField(list, (concept) => concept.concept_class_id),
      }
    }
    return this.#facets
  }
}

const orders = new WeakMap<VocabularyRelease, ConceptOrder>()

/** The release's orderings, each built on first use. */
export const conceptOrderOf = (release: VocabularyRelease): ConceptOrder => {
  let order = orders.get(release)
  if (order === undefined) {
    order = new ConceptOrder(release)
    orders.set(release, order)
  }
  return order
}

/**
 * The first `count` items of `items` in `compare` order, sorted: the same as
 * `[...items].sort(compare).slice(0, count)` for a total order (no two items compare equal), but
 * keeps only `count` items in a heap when that is much less than all of them.
 */
export const firstSorted = <T>(
  items: ReadonlyArray<T>,
  compare: (a: T, b: T) => number,
  count: number,
): T[] => {
  if (count <= 0) return []
  if (count * 4 >= items.length) return [...items].sort(compare).slice(0, count)
  // A max-heap (by `compare`) of the best `count` items seen so far; its root is the worst of them.
  const heap: T[] = []
  const siftDown = (from: number) => {
    let index = from
    for (;;) {
      const left = 2 * index + 1
      if (left >= heap.length) return
      const right = left + 1
      const larger = right < heap.length && compare(heap[right]!, heap[left]!) > 0 ? right : left
      if (compare(heap[larger]!, heap[index]!) <= 0) return
      const swap = heap[index]!
      heap[index] = heap[larger]!
      heap[larger] = swap
      index = larger
    }
  }
  for (const item of items) {
    if (heap.length < count) {
      heap.push(item)
      let index = heap.length - 1
      while (index > 0) {
        const parent = (index - 1) >> 1
        if (compare(heap[index]!, heap[parent]!) <= 0) break
        const swap = heap[index]!
        heap[index] = heap[parent]!
        heap[parent] = swap
        index = parent
      }
    } else if (compare(item, heap[0]!) < 0) {
      heap[0] = item
      siftDown(0)
    }
  }
  return heap.sort(compare)
}

/** Whether index `a` comes before index `b`: smaller key, then smaller id. */
const precedes = (keys: Float64Array, ids: Float64Array, a: number, b: number): boolean => {
  const keyA = keys[a]!
  const keyB = keys[b]!
  return keyA < keyB || (keyA === keyB && ids[a]! < ids[b]!)
}

/** Restores the max-heap (the root comes last in order) in `heap[0..size)` below `from`. */
const siftDown = (heap: Int32Array, size: number, from: number, keys: Float64Array, ids: Float64Array) => {
  let index = from
  for (;;) {
    const left = 2 * index + 1
    if (left >= size) return
    const right = left + 1
    const later = right < size && precedes(keys, ids, heap[left]!, heap[right]!) ? right : left
    if (!precedes(keys, ids, heap[index]!, heap[later]!)) return
    const swap = heap[index]!
    heap[index] = heap[later]!
    heap[later] = swap
    index = later
  }
}

/**
 * `firstSorted` for numbered items without allocating: the indices `0 .. count - 1` ordered by
 * `keys[i]`, then `ids[i]` (both ascending; a total order when the ids are distinct). Writes the
 * first `min(take, count)` of them, in order, to `out` and returns how many. Keeps the best ones
 * in a bounded max-heap in `out`, then sorts the heap in place.
 */
export const firstIndicesInOrder = (
  count: number,
  take: number,
  keys: Float64Array,
  ids: Float64Array,
  out: Int32Array,
): number => {
  const size = Math.min(take, count)
  if (size <= 0) return 0
  let filled = 0
  for (let item = 0; item < count; item++) {
    if (filled < size) {
      let index = filled++
      out[index] = item
      while (index > 0) {
        const parent = (index - 1) >> 1
        if (!precedes(keys, ids, out[parent]!, out[index]!)) break
        const swap = out[index]!
        out[index] = out[parent]!
        out[parent] = swap
        index = parent
      }
    } else if (precedes(keys, ids, item, out[0]!)) {
      out[0] = item
      siftDown(out, size, 0, keys, ids)
    }
  }
  for (let end = filled - 1; end > 0; end--) {
    const swap = out[0]!
    out[0] = out[end]!
    out[end] = swap
    siftDown(out, end, 0, keys, ids)
  }
  return filled
}
