/**
 * Search endpoints (contract §4.2). Basic/advanced search and autocomplete rank with
 * `lexicalScore`; semantic, semantic-bulk and similar search use `similarityScore`, a deterministic
 * lexical stand-in (token overlap + trigram similarity in [0, 1]) for the real embedding search.
 */
import type { Context, Hono } from "hono"
import { conceptOrderOf, type FacetField, firstIndicesInOrder, firstSorted } from "../data/ConceptOrder.ts"
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { prepareQuery, similarityScorePrepared, tokenJaccardPrepared } from "../data/Scoring.ts"
import { type LexicalHit, type SearchScratch, searchIndexOf } from "../data/SearchIndex.ts"
import {
  addResponseHeader,
  BodyPieces,
  OK_JSON_OPEN,
  ok,
  okJsonPaged,
  okJsonPieces,
  paginationJson,
  paginationMeta,
  validationError,
} from "../http/Envelope.ts"
import { LruCache } from "../http/LruCache.ts"
import {
  type BodyFields,
  bodyOrQueryPage,
  missingRequiredField,
  type PageRequest,
  QueryParams,
  queryPage,
  readJsonBody,
} from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { type ConceptFilter, matchesFilter, standardChoices } from "./Filters.ts"
import { conceptBrief, conceptRow, paginate, requireConcept, sortConcepts, synonymsOf } from "./Shapes.ts"

const queryLength = { min: 1, max: 500 }
const sortFields = ["relevance", "name", "code", "date"] as const
type SortField = (typeof sortFields)[number]

type Ranked = LexicalHit

const rankLexical = (
  release: VocabularyRelease,
  text: string,
  filter: ConceptFilter,
  exactOnly: boolean,
  extra?: (concept: Concept) => boolean,
): Ranked[] =>
  searchIndexOf(release).lexicalSearch(
    prepareQuery(text),
    exactOnly,
    extra === undefined
      ? (concept) => matchesFilter(concept, filter)
      : (concept) => matchesFilter(concept, filter) && extra(concept),
  )

/**
 * The order of a search's results: `sortConcepts` by the sort field (concept id breaking ties), as
 * a comparator. Text fields compare by their precomputed collation ranks (same order, no collator
 * calls); relevance puts equal scores' shorter names first, so "Diabetes mellitus" precedes its
 * longer children.
 */
const rankedOrder = (
  release: VocabularyRelease,
  sortBy: SortField,
  order: "asc" | "desc" | undefined,
): ((a: Ranked, b: Ranked) => number) => {
  if (sortBy === "relevance") {
    const sign = order === "asc" ? 1 : -1
    return (a, b) =>
      sign *
        (a.match.score * 1000 -
          Math.min(999, a.concept.concept_name.length) -
          (b.match.score * 1000 - Math.min(999, b.concept.concept_name.length))) ||
      a.concept.concept_id - b.concept.concept_id
  }
  const sign = order === "desc" ? -1 : 1
  const ranks = conceptOrderOf(release).rank(sortBy)
  return (a, b) =>
    sign * (ranks[a.position]! - ranks[b.position]!) || a.concept.concept_id - b.concept.concept_id
}

/**
 * A basic or advanced search's matches, in the release's search scratch arrays (valid until the
 * next search): for `i < count`, the concept at `positions[i]` matched with `scores[i]`, in
 * concept id order.
 */
interface Matches {
  readonly positions: Int32Array
  readonly scores: Float64Array
  readonly scratch: SearchScratch
  readonly count: number
}

/** The matches of a basic (or, with `extra`, advanced) search scoring at least `minScore`. */
const searchMatches = (
  release: VocabularyRelease,
  text: string,
  filter: ConceptFilter,
  exactOnly: boolean,
  minScore: number,
  extra?: (concept: Concept) => boolean,
): Matches => {
  const index = searchIndexOf(release)
  const scratch = index.scratch
  const { positions, scores } = scratch
  let count = index.lexicalSearchInto(
    prepareQuery(text),
    exactOnly,
    extra === undefined
      ? (concept) => matchesFilter(concept, filter)
      : (concept) => matchesFilter(concept, filter) && extra(concept),
    positions,
    scores,
  )
  // Lexical scores are positive, so a zero minimum keeps every match.
  if (minScore > 0) {
    let kept = 0
    for (let at = 0; at < count; at++) {
      if (scores[at]! >= minScore) {
        positions[kept] = positions[at]!
        scores[kept] = scores[at]!
        kept++
      }
    }
    count = kept
  }
  return { positions, scores, scratch, count }
}

/**
 * The first `take` matches in `rankedOrder`'s order, as indices into `matches`, in
 * `matches.scratch.order`; returns how many. Sorts by one numeric key per match and the concept id
 * for ties: the same order, without an object or a comparator call per match.
 */
const firstInOrder = (
  release: VocabularyRelease,
  matches: Matches,
  sortBy: SortField,
  order: "asc" | "desc" | undefined,
  take: number,
): number => {
  const { positions, scores, count, scratch } = matches
  const { keys, ids } = scratch
  const list = release.conceptList
  if (sortBy === "relevance") {
    const sign = order === "asc" ? 1 : -1
    for (let at = 0; at < count; at++) {
      const concept = list[positions[at]!]!
      keys[at] = sign * (scores[at]! * 1000 - Math.min(999, concept.concept_name.length))
      ids[at] = concept.concept_id
    }
  } else {
    const sign = order === "desc" ? -1 : 1
    const ranks = conceptOrderOf(release).rank(sortBy)
    for (let at = 0; at < count; at++) {
      const position = positions[at]!
      keys[at] = sign * ranks[position]!
      ids[at] = list[position]!.concept_id
    }
  }
  return firstIndicesInOrder(count, take, keys, ids, scratch.order)
}

/**
 * Pushes one facet as JSON onto `into`: the counts of one field over all matches, most frequent
 * first, ties by `compareText` of the values (`b[1] - a[1] || compareText(a[0], b[0])`).
 */
const pushFacet = (into: BodyPieces, field: FacetField, matches: Matches): void => {
  const counts = field.scratch
  // Codes in first-seen order, as a Map's keys would be (the stable sort keeps ties in that order).
  const seen = field.order
  let distinct = 0
  const codes = field.codes
  const { positions, count: total } = matches
  for (let index = 0; index < total; index++) {
    const code = codes[positions[index]!]!
    const count = counts[code]!
    if (count === 0) seen[distinct++] = code
    counts[code] = count + 1
  }
  // A stable insertion sort: few distinct values.
  const ranks = field.ranks
  for (let index = 1; index < distinct; index++) {
    const code = seen[index]!
    let at = index - 1
    while (at >= 0) {
      const other = seen[at]!
      if ((counts[code]! - counts[other]! || ranks[other]! - ranks[code]!) <= 0) break
      seen[at + 1] = other
      at--
    }
    seen[at + 1] = code
  }
  into.add("[")
  for (let index = 0; index < distinct; index++) {
    const code = seen[index]!
    into.add(index === 0 ? "" : ",")
    into.add(field.prefixes[code]!)
    into.add(String(counts[code]))
    into.add("}")
    counts[code] = 0
  }
  into.add("]")
}

/** Vocabulary, domain and concept class counts over all matches, most frequent first, as JSON. */
const pushFacets = (into: BodyPieces, release: VocabularyRelease, matches: Matches): void => {
  const codes = conceptOrderOf(release).facets
  into.add('{"vocabularies":')
  pushFacet(into, codes.vocabularies, matches)
  into.add(',"domains":')
  pushFacet(into, codes.domains, matches)
  into.add(',"concept_classes":')
  pushFacet(into, codes.classes, matches)
  into.add("}")
}

/**
 * A search answer as JSON text, split around `processing_time_ms` (the one field that differs
 * between two identical searches): `head` + milliseconds + `tail` is the `data` payload. The page's
 * rows reuse each concept's cached row JSON (the rows are most of the bytes). Same bytes as
 * serialising the objects.
 */
interface SearchPayload {
  readonly head: string
  readonly tail: string
  /** `JSON.stringify(pagination)`, for the envelope's meta. */
  readonly paginationJson: string
}

/** What follows the processing time in a search answer's `data`. */
const SEARCH_TAIL = `,"query_enhanced":false}}`

/**
 * Pushes a search answer's `data` JSON up to (and without) the `processing_time_ms` value onto
 * `into`, and returns the pagination meta as JSON. Only the requested page is put in order (a
 * partial selection, not a sort of every match), the facets and totals count them all.
 */
const writeSearchHead = (
  into: BodyPieces,
  release: VocabularyRelease,
  text: string,
  matches: Matches,
  sortBy: SortField,
  sortOrder: "asc" | "desc" | undefined,
  pageRequest: PageRequest,
  includeSynonyms: boolean,
): string => {
  const { positions, scores, count } = matches
  const start = (pageRequest.page - 1) * pageRequest.pageSize
  const taken =
    start >= count ? 0 : firstInOrder(release, matches, sortBy, sortOrder, start + pageRequest.pageSize)
  const order = matches.scratch.order
  const concepts = conceptOrderOf(release)
  into.add('{"concepts":[')
  for (let index = start; index < taken; index++) {
    const hit = order[index]!
    const position = positions[hit]!
    // `JSON.stringify` of a finite number is its `String`, which is much cheaper.
    const score = String(scores[hit]!)
    // The cached row is a JSON object without its closing brace; the extra fields go at its end.
    into.add(index === start ? "" : ",")
    into.add(concepts.rowHead(position))
    into.add(',"score":')
    into.add(score)
    into.add(',"relevance_score":')
    into.add(score)
    into.add(
      includeSynonyms
        ? `,"synonyms":${JSON.stringify(synonymsOf(release, release.conceptList[position]!.concept_id))}}`
        : "}",
    )
  }
  // The key order of `search_metadata`: query, total_results, processing_time_ms, query_enhanced.
  into.add('],"facets":')
  pushFacets(into, release, matches)
  into.add(',"search_metadata":{"query":')
  into.add(JSON.stringify(text))
  into.add(',"total_results":')
  into.add(String(count))
  into.add(',"processing_time_ms":')
  return paginationJson(paginationMeta(pageRequest.page, pageRequest.pageSize, count))
}

/**
 * A search response body, opened: room for the page's rows (seven pieces each) and the rest (the
 * facets take four per distinct value; a page with many more grows the array once or twice).
 */
const bodyPieces = (matches: Matches, page: PageRequest): BodyPieces => {
  const rows = Math.max(0, Math.min(page.pageSize, matches.count - (page.page - 1) * page.pageSize))
  const pieces = new BodyPieces(7 * rows + 96)
  pieces.add(OK_JSON_OPEN)
  return pieces
}

const elapsedMs = (startedAt: number): string => String(Math.round(performance.now() - startedAt))

const respondWithSearch = (c: Context<SandboxEnv>, payload: SearchPayload, startedAt: number) =>
  okJsonPaged(c, `${payload.head}${elapsedMs(startedAt)}${payload.tail}`, payload.paginationJson)

/**
 * Which query strings were seen lately, as 32-bit hashes in a direct-mapped table: no string, map
 * entry or object is kept per request (a stream of never-repeated searches would otherwise keep
 * one of each alive for a while). A slot remembers the last hash that fell into it; two strings
 * with the same hash (rare) only make an answer cached one request early.
 */
class SeenQueries {
  readonly #slots = new Int32Array(4096)

  /** Whether `key` was seen since its slot was last taken by another; marks it as seen. */
  seenBefore(key: string): boolean {
    // FNV-1a over the UTF-16 code units; 0 marks an empty slot.
    let hash = 0x811c9dc5
    for (let index = 0; index < key.length; index++)
      hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193)
    hash |= 1
    const slot = hash & (this.#slots.length - 1)
    if (this.#slots[slot] === hash) return true
    this.#slots[slot] = hash
    return false
  }
}

/**
 * Basic-search answers per release, keyed by the raw query string: the answer is a function of the
 * release and the query parameters alone, so an identical request reuses the work (only the
 * request id, timestamp and processing time are fresh). Failed requests are never stored. An answer
 * is stored the second time its query string is seen (`seen` remembers only hashes), so a stream
 * of never-repeated searches does not keep kilobytes per request alive for nothing.
 */
interface BasicSearchCache {
  readonly answers: LruCache<SearchPayload>
  readonly seen: SeenQueries
}

const basicSearchCaches = new WeakMap<VocabularyRelease, BasicSearchCache>()

const basicSearchCache = (release: VocabularyRelease): BasicSearchCache => {
  let cache = basicSearchCaches.get(release)
  if (cache === undefined) {
    cache = {
      // 256 answers, at most ~8 M characters in all (one page of 1000 rows is ~0.4 M).
      answers: new LruCache<SearchPayload>(256, 8_000_000),
      seen: new SeenQueries(),
    }
    basicSearchCaches.set(release, cache)
  }
  return cache
}

/** The raw query string of the request URL (without `?`), or "" when it has none. */
const rawQueryString = (url: string): string => {
  const mark = url.indexOf("?")
  return mark === -1 ? "" : url.slice(mark + 1)
}

const getSearchConcepts = (c: Context<SandboxEnv>) => {
  const startedAt = performance.now()
  const release = c.get("release")
  const cache = basicSearchCache(release)
  const key = rawQueryString(c.req.url)
  const cached = cache.answers.get(key)
  if (cached !== undefined) return respondWithSearch(c, cached, startedAt)
  const query = new QueryParams(c)
  const text = query.requiredString("query", queryLength)
  const filter: ConceptFilter = {
    // MCP sends `vocabularies=` instead of `vocabulary_ids=`.
    vocabularyIds: query.list("vocabulary_ids") ?? query.list("vocabularies"),
    domainIds: query.list("domain_ids"),
    conceptClassIds: query.list("concept_class_ids"),
    standardConcept: query.optionalChoice("standard_concept", standardChoices),
    includeInvalid: query.boolean("include_invalid", false),
  }
  const includeSynonyms = query.boolean("include_synonyms", false)
  const minScore = query.number("min_score", 0, { min: 0, max: 1 })
  const exactMatch = query.boolean("exact_match", false)
  const sortBy = query.choice("sort_by", sortFields, "relevance")
  const sortOrder = query.optionalChoice("sort_order", ["asc", "desc"])
  const page = queryPage(query, { defaultSize: 20, maxSize: 1000 })
  const matches = searchMatches(release, text, filter, exactMatch, minScore)
  // The whole response body is written as pieces and joined once, into one flat string: the
  // socket write then copies it once more (after the status line), and nothing else does.
  const pieces = bodyPieces(matches, page)
  const pagination = writeSearchHead(pieces, release, text, matches, sortBy, sortOrder, page, includeSynonyms)
  if (cache.seen.seenBefore(key)) {
    const head = pieces.join(1)
    const payload: SearchPayload = { head, tail: SEARCH_TAIL, paginationJson: pagination }
    cache.answers.set(key, payload, key.length + head.length + pagination.length)
  }
  pieces.add(elapsedMs(startedAt))
  pieces.add(SEARCH_TAIL)
  return okJsonPieces(c, pieces, pagination)
}

interface RelationshipFilter {
  readonly relationshipId: string
  readonly targetConceptId: number | undefined
  readonly direction: "forward" | "reverse"
}

const hasRelationship = (release: VocabularyRelease, concept: Concept, filter: RelationshipFilter) => {
  const rows =
    filter.direction === "forward"
      ? (release.relationshipsFrom.get(concept.concept_id) ?? []).map((row) => [
          row.relationship_id,
          row.concept_id_2,
        ])
      : (release.relationshipsTo.get(concept.concept_id) ?? []).map((row) => [
          row.relationship_id,
          row.concept_id_1,
        ])
  return rows.some(
    ([relationshipId, otherId]) =>
      relationshipId === filter.relationshipId &&
      (filter.targetConceptId === undefined || otherId === filter.targetConceptId),
  )
}

const postSearchAdvanced = async (c: Context<SandboxEnv>) => {
  const startedAt = performance.now()
  const body = await readJsonBody(c)
  const query = new QueryParams(c)
  const text = body.requiredString("query", queryLength)
  const filter: ConceptFilter = {
    vocabularyIds: body.stringList("vocabulary_ids"),
    domainIds: body.stringList("domain_ids"),
    conceptClassIds: body.stringList("concept_class_ids"),
    standardOnly: body.boolean("standard_concepts_only", false),
    includeInvalid: body.boolean("include_invalid", false),
  }
  const relationshipFilters: RelationshipFilter[] = (
    body.objectList("relationship_filters", { max: 20 }) ?? []
  ).map((item) => ({
    relationshipId: item.requiredString("relationship_id"),
    targetConceptId: item.optionalInteger("target_concept_id", { min: 0 }),
    direction: item.choice("direction", ["forward", "reverse"], "forward"),
  }))
  const page = bodyOrQueryPage(body, query, { defaultSize: 20, maxSize: 1000 })
  const release = c.get("release")
  const matches = searchMatches(release, text, filter, false, 0, (concept) =>
    relationshipFilters.every((relationshipFilter) => hasRelationship(release, concept, relationshipFilter)),
  )
  const pieces = bodyPieces(matches, page)
  const pagination = writeSearchHead(pieces, release, text, matches, "relevance", undefined, page, false)
  pieces.add(elapsedMs(startedAt))
  pieces.add(SEARCH_TAIL)
  return okJsonPieces(c, pieces, pagination)
}

/** `GET /search/suggest`: `{ query, suggestions: [{ suggestion: Concept, ... }] }`, not paged. */
const getAutocomplete = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  const text = query.requiredString("query", { min: 1, max: 100 })
  const filter: ConceptFilter = {
    vocabularyIds: query.list("vocabulary_ids"),
    domainIds: query.list("domains") ?? query.list("domain_ids"),
  }
  // R still sends the older `max_suggestions`.
  const limit = query.integer("page_size", query.integer("max_suggestions", 10, { min: 1, max: 100 }), {
    min: 1,
    max: 100,
  })
  const release = c.get("release")
  const ranked = firstSorted(
    rankLexical(release, text, filter, false),
    rankedOrder(release, "relevance", undefined),
    limit,
  )
  return ok(c, {
    query: text,
    suggestions: ranked.map(({ concept, match }) => ({
      suggestion: conceptRow(concept),
      match_score: match.score,
      match_type: match.matchType,
    })),
  })
}

interface SemanticRequest {
  readonly text: string
  readonly filter: ConceptFilter
  readonly threshold: number
}

const semanticCandidates = (release: VocabularyRelease, request: SemanticRequest) => {
  const query = prepareQuery(request.text)
  const scored: Array<{ concept: Concept; score: number; matchedText: string }> = []
  for (const { concept, texts } of searchIndexOf(release).entries) {
    if (!matchesFilter(concept, request.filter)) continue
    const { score, matchedText } = similarityScorePrepared(query, texts)
    if (score >= request.threshold) scored.push({ concept, score, matchedText })
  }
  return sortConcepts(scored, (item) => item.score, "desc")
}

const semanticResult = (item: { concept: Concept; score: number; matchedText: string }) => ({
  ...conceptBrief(item.concept),
  similarity_score: item.score,
  matched_text: item.matchedText,
})

const getSemantic = (c: Context<SandboxEnv>) => {
  const startedAt = performance.now()
  const query = new QueryParams(c)
  const request: SemanticRequest = {
    text: query.requiredString("query", queryLength),
    filter: {
      vocabularyIds: query.list("vocabulary_ids"),
      domainIds: query.list("domain_ids"),
      standardConcept: query.optionalChoice("standard_concept", ["S", "C"]),
      conceptClassIds: query.list("concept_class_id"),
    },
    threshold: query.number("threshold", 0.5, { min: 0, max: 1 }),
  }
  const page = queryPage(query, { defaultSize: 20, maxSize: 100 })
  const candidates = semanticCandidates(c.get("release"), request)
  const { items, pagination } = paginate(candidates, page)
  return ok(
    c,
    {
      query: request.text,
      results: items.map(semanticResult),
      search_metadata: {
        query: request.text,
        threshold: request.threshold,
        total_candidates: candidates.length,
        processing_time_ms: Math.round(performance.now() - startedAt),
      },
    },
    pagination,
  )
}

/** The legacy alias stays permanent but announces its successor. */
const getSemanticLegacy = (c: Context<SandboxEnv>) => {
  const successor = new URL(c.req.url)
  successor.pathname = successor.pathname.replace(/\/concepts\/semantic-search$/, "/search/semantic")
  addResponseHeader(c, "Deprecation", "true")
  addResponseHeader(c, "Link", `<${successor.pathname}>; rel="successor-version"`)
  return getSemantic(c)
}

/** An item's field, else the shared `defaults` field. */
const withDefaults = (item: BodyFields, defaults: BodyFields | undefined) => ({
  stringList: (field: string) => item.stringList(field) ?? defaults?.stringList(field),
  optionalChoice: <T extends string>(field: string, choices: ReadonlyArray<T>) =>
    item.optionalChoice(field, choices) ?? defaults?.optionalChoice(field, choices),
  boolean: (field: string, fallback: boolean) =>
    item.boolean(field, defaults?.boolean(field, fallback) ?? fallback),
  integer: (field: string, fallback: number, range: { min: number; max: number }) =>
    item.integer(field, defaults?.integer(field, fallback, range) ?? fallback, range),
  number: (field: string, fallback: number, range: { min: number; max: number }) =>
    item.number(field, defaults?.number(field, fallback, range) ?? fallback, range),
})

const searchId = (item: BodyFields): string => item.requiredString("search_id", { max: 200 })

/** `POST /search/bulk`: a bare array, one entry per search; a bad query fails only its entry. */
const postSearchBulk = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const searches = body.objectList("searches", { min: 1, max: 50 })
  if (searches === undefined) throw missingRequiredField("searches")
  const defaults = body.object("defaults")
  const release = c.get("release")
  const prepared = searches.map((item) => {
    const fields = withDefaults(item, defaults)
    return {
      id: searchId(item),
      rawQuery: item.raw("query"),
      filter: {
        vocabularyIds: fields.stringList("vocabulary_ids"),
        domainIds: fields.stringList("domain_ids"),
        conceptClassIds: fields.stringList("concept_class_ids"),
        standardConcept: fields.optionalChoice("standard_concept", standardChoices),
        includeInvalid: fields.boolean("include_invalid", false),
      },
      pageSize: fields.integer("page_size", 20, { min: 1, max: 1000 }),
    }
  })
  return ok(
    c,
    prepared.map(({ id, rawQuery, filter, pageSize }) => {
      const startedAt = performance.now()
      if (typeof rawQuery !== "string" || rawQuery.trim() === "" || rawQuery.length > queryLength.max) {
        return {
          search_id: id,
          query: rawQuery ?? null,
          status: "failed",
          results: [],
          error: "Invalid or missing query",
        }
      }
      const ranked = firstSorted(
        rankLexical(release, rawQuery, filter, false),
        rankedOrder(release, "relevance", undefined),
        pageSize,
      )
      return {
        search_id: id,
        query: rawQuery,
        status: "completed",
        results: ranked.map(({ concept, match }) => ({ ...conceptRow(concept), score: match.score })),
        duration: Math.round(performance.now() - startedAt),
      }
    }),
  )
}

/** `POST /search/semantic-bulk`: a wrapper with per-search results and counts. */
const postSemanticBulk = async (c: Context<SandboxEnv>) => {
  const startedAll = performance.now()
  const body = await readJsonBody(c)
  const searches = body.objectList("searches", { min: 1, max: 25 })
  if (searches === undefined) throw missingRequiredField("searches")
  const defaults = body.object("defaults")
  const release = c.get("release")
  const prepared = searches.map((item) => {
    const fields = withDefaults(item, defaults)
    return {
      id: searchId(item),
      rawQuery: item.raw("query"),
      filter: {
        vocabularyIds: fields.stringList("vocabulary_ids"),
        domainIds: fields.stringList("domain_ids"),
        standardConcept: fields.optionalChoice("standard_concept", ["S", "C"] as const),
        conceptClassIds: fields.stringList("concept_class_id"),
      },
      threshold: fields.number("threshold", 0.5, { min: 0, max: 1 }),
      pageSize: fields.integer("page_size", 20, { min: 1, max: 100 }),
    }
  })
  const results = prepared.map(({ id, rawQuery, filter, threshold, pageSize }) => {
    const startedAt = performance.now()
    if (typeof rawQuery !== "string" || rawQuery.trim() === "" || rawQuery.length > queryLength.max) {
      return {
        search_id: id,
        query: rawQuery ?? null,
        status: "failed",
        results: [],
        error: "Invalid or missing query",
      }
    }
    const found = semanticCandidates(release, { text: rawQuery, filter, threshold }).slice(0, pageSize)
    return {
      search_id: id,
      query: rawQuery,
      status: "completed",
      results: found.map(semanticResult),
      similarity_threshold: threshold,
      result_count: found.length,
      duration: Math.round(performance.now() - startedAt),
    }
  })
  const completed = results.filter((result) => result.status === "completed").length
  return ok(c, {
    results,
    total_searches: results.length,
    completed_count: completed,
    failed_count: results.length - completed,
    total_duration: Math.round(performance.now() - startedAll),
  })
}

/** `POST /search/similar`: exactly one of concept_id, concept_name, query. */
const postSimilar = async (c: Context<SandboxEnv>) => {
  const startedAt = performance.now()
  const body = await readJsonBody(c)
  const given = ["concept_id", "concept_name", "query"].filter((field) => body.has(field))
  if (given.length === 0) throw missingRequiredField("concept_id|concept_name|query")
  if (given.length > 1) {
    throw validationError("Provide exactly one of 'concept_id', 'concept_name' or 'query'", { given })
  }
  const algorithm = body.choice("algorithm", ["semantic", "lexical", "hybrid"], "hybrid")
  const threshold = body.number("similarity_threshold", 0.7, { min: 0, max: 1 })
  const pageSize = body.integer("page_size", 20, { min: 1, max: 1000 })
  const filter: ConceptFilter = {
    vocabularyIds: body.stringList("vocabulary_ids"),
    domainIds: body.stringList("domain_ids"),
    standardConcept: body.optionalChoice("standard_concept", standardChoices),
    includeInvalid: body.boolean("include_invalid", false),
  }
  const includeScores = body.boolean("include_scores", false)
  const includeExplanations = body.boolean("include_explanations", false)
  const release = c.get("release")
  const referenceId = body.optionalInteger("concept_id", { min: 0 })
  const reference = referenceId === undefined ? undefined : requireConcept(release, referenceId)
  const text =
    reference?.concept_name ??
    body.string("concept_name", queryLength) ??
    body.requiredString("query", queryLength)

  const prepared = prepareQuery(text)
  const scored = searchIndexOf(release).entries.flatMap(({ concept, texts }) => {
    if (concept.concept_id === reference?.concept_id || !matchesFilter(concept, filter)) return []
    const semantic = similarityScorePrepared(prepared, texts)
    const lexical = Math.max(0, ...texts.map((candidate) => tokenJaccardPrepared(prepared, candidate)))
    const hybrid = Math.round(((semantic.score + lexical) / 2) * 10000) / 10000
    const score = algorithm === "semantic" ? semantic.score : algorithm === "lexical" ? lexical : hybrid
    return score >= threshold
      ? [{ concept, score, semantic: semantic.score, lexical, hybrid, matched: semantic.matchedText }]
      : []
  })
  const ranked = sortConcepts(scored, (item) => item.score, "desc")
  const returned = ranked.slice(0, pageSize)
  return ok(c, {
    similar_concepts: returned.map((item) => ({
      ...conceptBrief(item.concept),
      similarity_score: item.score,
      matched_text: item.matched,
      ...(includeScores
        ? { scores: { semantic: item.semantic, lexical: item.lexical, hybrid: item.hybrid } }
        : {}),
      ...(includeExplanations
        ? {
            explanation: `Sandbox ${algorithm} score from token overlap and trigram similarity with "${text}"`,
          }
        : {}),
    })),
    search_metadata: {
      original_query: text,
      algorithm_used: algorithm,
      similarity_threshold: threshold,
      total_candidates: ranked.length,
      results_returned: returned.length,
      processing_time_ms: Math.round(performance.now() - startedAt),
    },
  })
}

export const registerSearchRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.get("/search/concepts", getSearchConcepts)
  v1.post("/search/advanced", postSearchAdvanced)
  v1.get("/search/suggest", getAutocomplete)
  v1.get("/search/semantic", getSemantic)
  v1.get("/concepts/semantic-search", getSemanticLegacy)
  v1.post("/search/bulk", postSearchBulk)
  v1.post("/search/semantic-bulk", postSemanticBulk)
  v1.post("/search/similar", postSimilar)
}
