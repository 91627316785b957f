/**
 * Deterministic text scoring for the search endpoints. The real service uses a search engine and
 * embeddings; the sandbox stands in with lexical measures so results are reproducible:
 * - `lexicalScore`: exact / prefix / substring / all-tokens match on name, synonyms and code;
 * - `similarityScore`: a blend of token overlap and character-trigram Dice similarity, used where the
 *   real API does semantic (embedding) search. Both return a score in [0, 1].
 */

export const tokenize = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []

const trigrams = (text: string): Map<string, number> => {
  const padded = `  ${text.toLowerCase().replace(/\s+/g, " ").trim()} `
  const counts = new Map<string, number>()
  for (let index = 0; index + 3 <= padded.length; index++) {
    const gram = padded.slice(index, index + 3)
    counts.set(gram, (counts.get(gram) ?? 0) + 1)
  }
  return counts
}

/** Dice coefficient over character trigrams, in [0, 1]. */
export const trigramSimilarity = (a: string, b: string): number => {
  const left = trigrams(a)
  const right = trigrams(b)
  let shared = 0
  let total = 0
  for (const [gram, count] of left) {
    shared += Math.min(count, right.get(gram) ?? 0)
    total += count
  }
  for (const count of right.values()) total += count
  return total === 0 ? 0 : (2 * shared) / total
}

/** Share of the query's tokens found in the text (as whole tokens or token prefixes). */
export const tokenCoverage = (queryTokens: ReadonlyArray<string>, text: string): number => {
  if (queryTokens.length === 0) return 0
  const textTokens = tokenize(text)
  const found = queryTokens.filter((token) => textTokens.some((candidate) => candidate.startsWith(token)))
  return found.length / queryTokens.length
}

/** Jaccard overlap of the two token sets. */
export const tokenJaccard = (a: string, b: string): number => {
  const left = new Set(tokenize(a))
  const right = new Set(tokenize(b))
  if (left.size === 0 && right.size === 0) return 0
  let shared = 0
  for (const token of left) if (right.has(token)) shared++
  return shared / (left.size + right.size - shared)
}

export type MatchType = "exact" | "code" | "prefix" | "substring" | "tokens"

export interface LexicalMatch {
  readonly score: number
  readonly matchType: MatchType
  readonly matchedText: string
}

const round = (score: number) => Math.round(score * 10000) / 10000

/**
 * Scores one concept for a basic search. `texts` are its lower-cased name then synonyms. Every
 * query token must appear somewhere for a match; `undefined` means no match.
 */
export const lexicalScore = (
  query: string,
  texts: ReadonlyArray<string>,
  code: string,
  exactOnly = false,
): LexicalMatch | undefined => {
  const needle = query.trim().toLowerCase()
  if (needle === "") return undefined
  if (code.toLowerCase() === needle) return { score: 1, matchType: "code", matchedText: code }
  let best: LexicalMatch | undefined
  const consider = (match: LexicalMatch) => {
    if (best === undefined || match.score > best.score) best = match
  }
  const queryTokens = tokenize(needle)
  for (const [index, text] of texts.entries()) {
    // A synonym hit ranks just below the same hit on the preferred name.
    const weight = index === 0 ? 1 : 0.95
    if (text === needle) consider({ score: weight, matchType: "exact", matchedText: text })
    if (exactOnly) continue
    if (text.startsWith(needle)) {
      consider({
        score: round(weight * (0.8 + 0.1 * (needle.length / text.length))),
        matchType: "prefix",
        matchedText: text,
      })
    } else if (text.includes(needle)) {
      consider({
        score: round(weight * (0.6 + 0.1 * (needle.length / text.length))),
        matchType: "substring",
        matchedText: text,
      })
    } else if (queryTokens.length > 0 && tokenCoverage(queryTokens, text) === 1) {
      consider({
        score: round(weight * (0.4 + 0.1 * tokenJaccard(needle, text))),
        matchType: "tokens",
        matchedText: text,
      })
    }
  }
  if (!exactOnly && best === undefined && code.toLowerCase().startsWith(needle)) {
    best = { score: 0.5, matchType: "code", matchedText: code }
  }
  return best
}

/** Stand-in for semantic similarity: the best blend over the concept's name and synonyms. */
export const similarityScore = (
  query: string,
  texts: ReadonlyArray<string>,
): { score: number; matchedText: string } => {
  const queryTokens = tokenize(query)
  let best = { score: 0, matchedText: texts[0] ?? "" }
  for (const text of texts) {
    const score = round(0.5 * tokenCoverage(queryTokens, text) + 0.5 * trigramSimilarity(query, text))
    if (score > best.score) best = { score, matchedText: text }
  }
  return best
}
