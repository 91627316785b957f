/**
 * Deterministic text scoring for the search endpoints. The real service uses a search engine and
 * embeddings; the sandbox stands in with lexical measures so results are reproducible:
 * - `lexicalScore`: exact / prefix / substring / all-tokens match on name, synonyms and code;
 * - `similarityScore`: a blend of token overlap and character-trigram Dice similarity, used where the
 *   real API does semantic (embedding) search. Both return a score in [0, 1].
 *
 * Each measure has a `Prepared` form: texts are tokenised and split into trigrams once (see
 * SearchIndex.ts) and queries once per request, instead of once per comparison. The plain functions
 * prepare their arguments and call the same code, so both forms always agree.
 */

export const tokenize = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []

/** Character trigrams of the lower-cased, whitespace-collapsed text, padded at both ends. */
const trigramCounts = (text: string): Map<string, number> => {
  const padded = `  ${text.toLowerCase().replace(/\s+/g, " ").trim()} `
  const counts = new Map<string, number>()
  for (let index = 0; index + 3 <= padded.length; index++) {
    const gram = padded.slice(index, index + 3)
    counts.set(gram, (counts.get(gram) ?? 0) + 1)
  }
  return counts
}

const sumOf = (counts: ReadonlyMap<string, number>): number => {
  let total = 0
  for (const count of counts.values()) total += count
  return total
}

/** A text split up once for repeated scoring. */
export interface PreparedText {
  readonly text: string
  readonly tokens: ReadonlyArray<string>
  readonly tokenSet: ReadonlySet<string>
  readonly trigrams: ReadonlyMap<string, number>
  readonly trigramTotal: number
}

/** Tokens at once; trigrams (only the similarity measures use them) on first use. */
class Text implements PreparedText {
  readonly text: string
  readonly tokens: ReadonlyArray<string>
  readonly tokenSet: ReadonlySet<string>
  #trigrams: Map<string, number> | undefined
  #trigramTotal: number | undefined

  constructor(text: string) {
    this.text = text
    this.tokens = tokenize(text)
    this.tokenSet = new Set(this.tokens)
  }

  get trigrams(): ReadonlyMap<string, number> {
    this.#trigrams ??= trigramCounts(this.text)
    return this.#trigrams
  }

  get trigramTotal(): number {
    this.#trigramTotal ??= sumOf(this.trigrams)
    return this.#trigramTotal
  }
}

export const prepareText = (text: string): PreparedText => new Text(text)

/** A query split up once per request; `needle` is the trimmed, lower-cased query. */
export interface PreparedQuery extends PreparedText {
  readonly needle: string
}

class Query extends Text implements PreparedQuery {
  // Tokens and trigrams lower-case and trim themselves, so the needle yields the same ones.
  readonly needle: string

  constructor(query: string) {
    super(query)
    this.needle = query.trim().toLowerCase()
  }
}

export const prepareQuery = (query: string): PreparedQuery => new Query(query)

const trigramDice = (left: PreparedText, right: PreparedText): number => {
  let shared = 0
  for (const [gram, count] of left.trigrams) shared += Math.min(count, right.trigrams.get(gram) ?? 0)
  const total = left.trigramTotal + right.trigramTotal
  return total === 0 ? 0 : (2 * shared) / total
}

/** Dice coefficient over character trigrams, in [0, 1]. */
export const trigramSimilarity = (a: string, b: string): number => trigramDice(prepareText(a), prepareText(b))

/** How many query tokens are found in the text as whole tokens or token prefixes. */
const coveredTokens = (queryTokens: ReadonlyArray<string>, text: PreparedText): number => {
  let found = 0
  const tokens = text.tokens
  for (let index = 0; index < queryTokens.length; index++) {
    const token = queryTokens[index]!
    if (text.tokenSet.has(token)) {
      found++
      continue
    }
    for (let at = 0; at < tokens.length; at++) {
      if (tokens[at]!.startsWith(token)) {
        found++
        break
      }
    }
  }
  return found
}

/** Share of the query's tokens found in the text (as whole tokens or token prefixes). */
export const tokenCoverage = (queryTokens: ReadonlyArray<string>, text: string): number =>
  queryTokens.length === 0 ? 0 : coveredTokens(queryTokens, prepareText(text)) / queryTokens.length

const jaccard = (left: ReadonlySet<string>, right: ReadonlySet<string>): number => {
  if (left.size === 0 && right.size === 0) return 0
  let shared = 0
  for (const token of left) if (right.has(token)) shared++
  return shared / (left.size + right.size - shared)
}

/** Jaccard overlap of the two token sets. */
export const tokenJaccard = (a: string, b: string): number =>
  jaccard(new Set(tokenize(a)), new Set(tokenize(b)))

/** Token Jaccard of a prepared query and text. */
export const tokenJaccardPrepared = (query: PreparedText, text: PreparedText): number =>
  jaccard(query.tokenSet, text.tokenSet)

export type MatchType = "exact" | "code" | "prefix" | "substring" | "tokens"

export interface LexicalMatch {
  readonly score: number
  readonly matchType: MatchType
  readonly matchedText: string
}

const round = (score: number) => Math.round(score * 10000) / 10000

/** Match type and text of the last match `lexicalScoreOf` reported (valid until its next call). */
let lastMatchType: MatchType = "exact"
let lastMatchedText = ""

/**
 * Scores one concept for a basic search, without building a match object: the score, or -1 for no
 * match (the match type and text are then `lastMatchType` / `lastMatchedText`). `texts` are its
 * lower-cased name then synonyms. Every query token must appear somewhere for a match.
 */
export const lexicalScoreOf = (
  query: PreparedQuery,
  texts: ReadonlyArray<PreparedText>,
  code: string,
  exactOnly: boolean,
  /** `code.toLowerCase()`. */
  lowerCode: string,
): number => {
  const needle = query.needle
  if (needle === "") return -1
  if (lowerCode === needle) {
    lastMatchType = "code"
    lastMatchedText = code
    return 1
  }
  // The best match so far (scores are positive): a later one replaces it only with a strictly higher score.
  let best = -1
  let bestType: MatchType = "exact"
  let bestText = ""
  const queryTokens = query.tokens
  for (let index = 0; index < texts.length; index++) {
    const prepared = texts[index]!
    const text = prepared.text
    // A synonym hit ranks just below the same hit on the preferred name.
    const weight = index === 0 ? 1 : 0.95
    if (text === needle && weight > best) {
      best = weight
      bestType = "exact"
      bestText = text
    }
    if (exactOnly) continue
    let score: number
    let matchType: MatchType
    if (text.startsWith(needle)) {
      score = round(weight * (0.8 + 0.1 * (needle.length / text.length)))
      matchType = "prefix"
    } else if (text.includes(needle)) {
      score = round(weight * (0.6 + 0.1 * (needle.length / text.length)))
      matchType = "substring"
    } else if (queryTokens.length > 0 && coveredTokens(queryTokens, prepared) === queryTokens.length) {
      score = round(weight * (0.4 + 0.1 * jaccard(query.tokenSet, prepared.tokenSet)))
      matchType = "tokens"
    } else {
      continue
    }
    if (score > best) {
      best = score
      bestType = matchType
      bestText = text
    }
  }
  if (!exactOnly && best === -1 && lowerCode.startsWith(needle)) {
    best = 0.5
    bestType = "code"
    bestText = code
  }
  if (best !== -1) {
    lastMatchType = bestType
    lastMatchedText = bestText
  }
  return best
}

/**
 * Scores one concept for a basic search. `texts` are its lower-cased name then synonyms. Every
 * query token must appear somewhere for a match; `undefined` means no match.
 */
export const lexicalScorePrepared = (
  query: PreparedQuery,
  texts: ReadonlyArray<PreparedText>,
  code: string,
  exactOnly = false,
  /** `code.toLowerCase()`, when the caller has it already. */
  lowerCode: string = code.toLowerCase(),
): LexicalMatch | undefined => {
  const score = lexicalScoreOf(query, texts, code, exactOnly, lowerCode)
  return score < 0 ? undefined : { score, matchType: lastMatchType, matchedText: lastMatchedText }
}

export const lexicalScore = (
  query: string,
  texts: ReadonlyArray<string>,
  code: string,
  exactOnly = false,
): LexicalMatch | undefined =>
  lexicalScorePrepared(prepareQuery(query), texts.map(prepareText), code, exactOnly)

/** Stand-in for semantic similarity: the best blend over the concept's name and synonyms. */
export const similarityScorePrepared = (
  query: PreparedQuery,
  texts: ReadonlyArray<PreparedText>,
): { score: number; matchedText: string } => {
  const queryTokens = query.tokens
  let best = { score: 0, matchedText: texts[0]?.text ?? "" }
  for (const text of texts) {
    const coverage = queryTokens.length === 0 ? 0 : coveredTokens(queryTokens, text) / queryTokens.length
    const score = round(0.5 * coverage + 0.5 * trigramDice(query, text))
    if (score > best.score) best = { score, matchedText: text.text }
  }
  return best
}

export const similarityScore = (
  query: string,
  texts: ReadonlyArray<string>,
): { score: number; matchedText: string } =>
  similarityScorePrepared(prepareQuery(query), texts.map(prepareText))
