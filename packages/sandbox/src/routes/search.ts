/**
 * Search endpoints (contract §4.2). Basic/advanced search and autocomplete rank with
 * `lexicalScore`; semantic, semantic-bulk and similar search use `similarityScore`, a deterministic
 * lexical stand-in (token overlap + trigram similarity in [0, 1]) for the real embedding search.
 */
import type { Context, Hono } from "hono"
import { conceptOrderOf, type FacetField, firstSorted } from "../data/ConceptOrder.ts"
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { prepareQuery, similarityScorePrepared, tokenJaccardPrepared } from "../data/Scoring.ts"
import { type LexicalHit, searchIndexOf } from "../data/SearchIndex.ts"
import {
  addResponseHeader,
  ok,
  okJsonPaged,
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

/** `b[1] - a[1] || compareText(a[0], b[0])` over the counts of one field, as JSON, most frequent first. */
const facetJson = (field: FacetField, items: ReadonlyArray<Ranked>): string => {
  const counts = field.scratch
  // Codes in first-seen order, as a Map's keys would be (the stable sort keeps ties in that order).
  const seen: number[] = []
  const codes = field.codes
  for (let index = 0; index < items.length; index++) {
    const code = codes[items[index]!.position]!
    const count = counts[code]!
    if (count === 0) seen.push(code)
    counts[code] = count + 1
  }
  // A stable insertion sort: few distinct values.
  const ranks = field.ranks
  for (let index = 1; index < seen.length; index++) {
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
  let json = "["
  for (let index = 0; index < seen.length; index++) {
    const code = seen[index]!
    json += `${index === 0 ? "" : ","}${field.prefixes[code]}${counts[code]}}`
    counts[code] = 0
  }
  return `${json}]`
}

/** Vocabulary, domain and concept class counts over all matches, most frequent first, as JSON. */
const facetsJson = (release: VocabularyRelease, items: ReadonlyArray<Ranked>): string => {
  const codes = conceptOrderOf(release).facets
  return `{"vocabularies":${facetJson(codes.vocabularies, items)},"domains":${facetJson(codes.domains, items)},"concept_classes":${facetJson(codes.classes, items)}}`
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

/**
 * `matches` are unordered; only the requested page is put in `order` (a partial selection, not a
 * sort of every match), the facets and totals count them all.
 */
const searchPayload = (
  release: VocabularyRelease,
  text: string,
  matches: ReadonlyArray<Ranked>,
  order: (a: Ranked, b: Ranked) => number,
  pageRequest: PageRequest,
  includeSynonyms: boolean,
): SearchPayload => {
  const start = (pageRequest.page - 1) * pageRequest.pageSize
  const items = start >= matches.length ? [] : firstSorted(matches, order, start + pageRequest.pageSize)
  const pagination = paginationMeta(pageRequest.page, pageRequest.pageSize, matches.length)
  const concepts = conceptOrderOf(release)
  // Pieces joined once: `join` writes one flat string, where `+=` would leave a tree of pieces for
  // the socket write to flatten.
  const pieces: string[] = ['{"concepts":[']
  for (let index = start; index < items.length; index++) {
    const { concept, match, position } = items[index]!
    // `JSON.stringify` of a finite number is its `String`, which is much cheaper.
    const score = String(match.score)
    // The cached row is a JSON object without its closing brace; the extra fields go at its end.
    pieces.push(
      index === start ? "" : ",",
      concepts.rowHead(position),
      ',"score":',
      score,
      ',"relevance_score":',
      score,
      includeSynonyms ? `,"synonyms":${JSON.stringify(synonymsOf(release, concept.concept_id))}}` : "}",
    )
  }
  // The key order of `search_metadata`: query, total_results, processing_time_ms, query_enhanced.
  pieces.push(
    '],"facets":',
    facetsJson(release, matches),
    ',"search_metadata":{"query":',
    JSON.stringify(text),
    ',"total_results":',
    String(matches.length),
    ',"processing_time_ms":',
  )
  return {
    head: pieces.join(""),
    tail: `,"query_enhanced":false}}`,
    paginationJson: paginationJson(pagination),
  }
}

const respondWithSearch = (c: Context<SandboxEnv>, payload: SearchPayload, startedAt: number) =>
  okJsonPaged(
    c,
    `${payload.head}${Math.round(performance.now() - startedAt)}${payload.tail}`,
    payload.paginationJson,
  )

/**
 * Basic-search answers per release, keyed by the raw query string: the answer is a function of the
 * release and the query parameters alone, so an identical request reuses the work (only the
 * request id, timestamp and processing time are fresh). Failed requests are never stored. An answer
 * is stored the second time its query string is seen (`seen` remembers only the strings), so a
 * stream of never-repeated searches does not keep kilobytes per request alive for nothing.
 */
interface BasicSearchCache {
  readonly answers: LruCache<SearchPayload>
  readonly seen: LruCache<true>
}

const basicSearchCaches = new WeakMap<VocabularyRelease, BasicSearchCache>()

const basicSearchCache = (release: VocabularyRelease): BasicSearchCache => {
  let cache = basicSearchCaches.get(release)
  if (cache === undefined) {
    cache = {
      // 256 answers, at most ~8 M characters in all (one page of 1000 rows is ~0.4 M).
      answers: new LruCache<SearchPayload>(256, 8_000_000),
      seen: new LruCache<true>(1024, 1_000_000),
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
  const hits = rankLexical(release, text, filter, exactMatch)
  // Lexical scores are positive, so a zero minimum keeps every match.
  const matches = minScore > 0 ? hits.filter((item) => item.match.score >= minScore) : hits
  const payload = searchPayload(
    release,
    text,
    matches,
    rankedOrder(release, sortBy, sortOrder),
    page,
    includeSynonyms,
  )
  if (cache.seen.get(key) === undefined) cache.seen.set(key, true, key.length)
  else cache.answers.set(key, payload, key.length + payload.head.length + payload.paginationJson.length)
  return respondWithSearch(c, payload, startedAt)
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
  const matches = rankLexical(release, text, filter, false, (concept) =>
    relationshipFilters.every((relationshipFilter) => hasRelationship(release, concept, relationshipFilter)),
  )
  return respondWithSearch(
    c,
    searchPayload(release, text, matches, rankedOrder(release, "relevance", undefined), page, false),
    startedAt,
  )
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
