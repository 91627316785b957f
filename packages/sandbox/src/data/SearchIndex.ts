/**
 * What the search endpoints need from a release, prepared once (on the first search, so start-up
 * does not pay for it): every concept's name and synonyms tokenised and split into trigrams, and an
 * inverted index from character trigrams to the concepts whose texts or code contain them.
 *
 * A basic-search match needs every query word inside one of the concept's texts or its code (as a
 * substring, prefix or whole word), so a concept lacking a trigram of a query word cannot match:
 * intersecting the posting lists yields a small superset of the matches, which the exact scorer
 * then checks. Results are therefore identical to scoring every concept, only faster.
 */
import type { Concept, VocabularyRelease } from "./Release.ts"
import {
  type LexicalMatch,
  lexicalScoreOf,
  lexicalScorePrepared,
  type PreparedQuery,
  type PreparedText,
  prepareText,
} from "./Scoring.ts"

export interface IndexedConcept {
  readonly concept: Concept
  /** Name first, then synonyms (lower-cased, as `VocabularyRelease.searchText`). */
  readonly texts: ReadonlyArray<PreparedText>
  /** `concept.concept_code.toLowerCase()`. */
  readonly lowerCode: string
}

export interface LexicalHit {
  readonly concept: Concept
  readonly match: LexicalMatch
  /** The concept's position in `conceptList` (and `entries`). */
  readonly position: number
}

/** Per-concept work arrays for one search at a time (`SearchIndex.scratch`). */
export interface SearchScratch {
  readonly positions: Int32Array
  readonly scores: Float64Array
  /** Sort keys, per match. */
  readonly keys: Float64Array
  /** Concept ids, per match (ties of the sort key). */
  readonly ids: Float64Array
  /** Match indices in result order. */
  readonly order: Int32Array
}

const GRAM = 3

const gramsOf = (text: string, into: Set<string>) => {
  for (let index = 0; index + GRAM <= text.length; index++) into.add(text.slice(index, index + GRAM))
}

export class SearchIndex {
  /** In `conceptList` order, so results come out in concept id order before ranking. */
  readonly entries: ReadonlyArray<IndexedConcept>
  /** Trigram -> ascending positions (plain arrays: cheaper to copy and walk than typed ones). */
  readonly #postings: ReadonlyMap<string, ReadonlyArray<number>>

  constructor(release: VocabularyRelease) {
    const lists = new Map<string, number[]>()
    const grams = new Set<string>()
    this.entries = release.conceptList.map((concept, position) => {
      const texts = (release.searchText.get(concept.concept_id) ?? []).map(prepareText)
      grams.clear()
      for (const text of texts) gramsOf(text.text, grams)
      const lowerCode = concept.concept_code.toLowerCase()
      gramsOf(lowerCode, grams)
      for (const gram of grams) {
        const list = lists.get(gram)
        if (list === undefined) lists.set(gram, [position])
        else list.push(position)
      }
      return { concept, texts, lowerCode }
    })
    this.#postings = lists
  }

  /**
   * Positions (ascending) of the concepts that can match every word of the query, or `undefined`
   * when the query has no word of three or more characters to narrow by (then every concept can).
   */
  candidates(query: PreparedQuery): number[] | undefined {
    // Every trigram of every word (a repeated one only intersects with the same list again, which
    // changes nothing, so no set is needed), starting from the shortest list.
    const lists: Array<ReadonlyArray<number>> = []
    let shortest = 0
    const tokens = query.tokens
    for (let token = 0; token < tokens.length; token++) {
      const word = tokens[token]!
      for (let index = 0; index + GRAM <= word.length; index++) {
        const list = this.#postings.get(word.slice(index, index + GRAM))
        if (list === undefined) return []
        if (lists.length > 0 && list.length < lists[shortest]!.length) shortest = lists.length
        lists.push(list)
      }
    }
    if (lists.length === 0) return undefined
    const result = lists[shortest]!.slice()
    for (let index = 0; index < lists.length && result.length > 0; index++) {
      if (index !== shortest) keepCommon(result, lists[index]!)
    }
    return result
  }

  /**
   * `lexicalSearch` without an object per match: writes the matches' positions and scores (concept
   * id order) to the start of `positions` and `scores` and returns how many there are. The arrays
   * need room for every concept (see `scratch`).
   */
  lexicalSearchInto(
    query: PreparedQuery,
    exactOnly: boolean,
    accept: (concept: Concept) => boolean,
    positions: Int32Array,
    scores: Float64Array,
  ): number {
    const entries = this.entries
    const candidates = this.candidates(query)
    const total = candidates === undefined ? entries.length : candidates.length
    let count = 0
    for (let index = 0; index < total; index++) {
      const position = candidates === undefined ? index : candidates[index]!
      const entry = entries[position]!
      if (!accept(entry.concept)) continue
      const score = lexicalScoreOf(query, entry.texts, entry.concept.concept_code, exactOnly, entry.lowerCode)
      if (score < 0) continue
      positions[count] = position
      scores[count] = score
      count++
    }
    return count
  }

  #scratch: SearchScratch | undefined

  /**
   * Work arrays with a slot per concept, shared by the searches of this release: a search runs
   * synchronously to its end (requests never interleave inside one), so one set is enough.
   */
  get scratch(): SearchScratch {
    const size = this.entries.length
    this.#scratch ??= {
      positions: new Int32Array(size),
      scores: new Float64Array(size),
      keys: new Float64Array(size),
      ids: new Float64Array(size),
      order: new Int32Array(size),
    }
    return this.#scratch
  }

  /** Every concept passing `accept` that matches the query, in concept id order. */
  lexicalSearch(
    query: PreparedQuery,
    exactOnly: boolean,
    accept: (concept: Concept) => boolean,
  ): LexicalHit[] {
    const hits: LexicalHit[] = []
    const entries = this.entries
    const positions = this.candidates(query)
    const count = positions === undefined ? entries.length : positions.length
    for (let index = 0; index < count; index++) {
      const position = positions === undefined ? index : positions[index]!
      const entry = entries[position]!
      if (!accept(entry.concept)) continue
      const match = lexicalScorePrepared(
        query,
        entry.texts,
        entry.concept.concept_code,
        exactOnly,
        entry.lowerCode,
      )
      if (match !== undefined) hits.push({ concept: entry.concept, match, position })
    }
    return hits
  }
}

/**
 * Removes from `kept` (in place) what `other` lacks; both ascending. `kept` is the short side (it
 * starts as the rarest trigram's list), so each value is binary-searched in `other` instead of
 * walking all of `other`, whose common trigrams can list a large part of the vocabulary.
 */
const keepCommon = (kept: number[], other: ReadonlyArray<number>): void => {
  let size = 0
  let low = 0
  for (let i = 0; i < kept.length; i++) {
    const value = kept[i]!
    let high = other.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (other[middle]! < value) low = middle + 1
      else high = middle
    }
    if (low === other.length) break
    if (other[low] === value) kept[size++] = value
  }
  kept.length = size
}

const indexes = new WeakMap<VocabularyRelease, SearchIndex>()

/** The release's search index, built on first use. */
export const searchIndexOf = (release: VocabularyRelease): SearchIndex => {
  let index = indexes.get(release)
  if (index === undefined) {
    index = new SearchIndex(release)
    indexes.set(release, index)
  }
  return index
}
