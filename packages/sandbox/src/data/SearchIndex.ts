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
    const grams = new Set<string>()
    for (const token of query.tokens) gramsOf(token, grams)
    if (grams.size === 0) return undefined
    const lists: Array<ReadonlyArray<number>> = []
    for (const gram of grams) {
      const list = this.#postings.get(gram)
      if (list === undefined) return []
      lists.push(list)
    }
    lists.sort((a, b) => a.length - b.length)
    const result = lists[0]!.slice()
    for (let index = 1; index < lists.length && result.length > 0; index++) {
      keepCommon(result, lists[index]!)
    }
    return result
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
