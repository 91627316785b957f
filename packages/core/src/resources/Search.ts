/**
 * Search endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Concept, conceptFields, conceptSummaryFields, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination, type ResponseMeta } from "./Operation.ts"
import { pageQuery } from "./PageQuery.ts"
import type { Checker } from "./Validate.ts"

/** Options of `search.basic`: filters, matching and sorting, and paging (up to 1000 per page). */
export interface BasicSearchOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly conceptClassIds?: ReadonlyArray<string> | undefined
  /** `S` standard, `C` classification, `N` non-standard concepts only. */
  readonly standardConcept?: "S" | "C" | "N" | undefined
  /** Also match the concepts' synonyms. */
  readonly includeSynonyms?: boolean | undefined
  readonly includeInvalid?: boolean | undefined
  /** 0 to 1. */
  readonly minScore?: number | undefined
  /** Only exact name matches (slower on the server). */
  readonly exactMatch?: boolean | undefined
  readonly sortBy?: "relevance" | "name" | "code" | "date" | undefined
  readonly sortOrder?: "asc" | "desc" | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 1000. */
  readonly pageSize?: number | undefined
  readonly vocabRelease?: string | undefined
}

/** A search hit: a concept row, possibly with a relevance score. */
export const SearchConcept = openStruct({
  ...conceptFields,
  score: Schema.optional(Schema.NullOr(Schema.Number)),
  relevance_score: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type SearchConcept = typeof SearchConcept.Type

const FacetValue = openStruct({
  value: Schema.String,
  count: Schema.Number,
  label: Schema.optional(Schema.String),
})
const Facets = openStruct({
  vocabularies: Schema.optional(Schema.Array(FacetValue)),
  domains: Schema.optional(Schema.Array(FacetValue)),
  concept_classes: Schema.optional(Schema.Array(FacetValue)),
})
const SearchMetadata = openStruct({
  query: Schema.optional(Schema.String),
  total_results: Schema.optional(Schema.Number),
  processing_time_ms: Schema.optional(Schema.Number),
  query_enhanced: Schema.optional(Schema.Boolean),
  enhanced_query: Schema.optional(Schema.NullOr(Schema.String)),
})

const Canonical = openStruct({
  concepts: Schema.Array(SearchConcept),
  facets: Schema.optional(Facets),
  search_metadata: Schema.optional(SearchMetadata),
})
const LegacyWrapper = openStruct({ data: Schema.Array(SearchConcept) })
const ConceptList = Schema.Array(SearchConcept)
// The canonical wrapper, plus the two legacy shapes the contract lists ({ data: [...] } and a bare array).
const SearchData = Schema.Union([Canonical, LegacyWrapper, ConceptList])
type SearchData = typeof SearchData.Type

const isConceptList = (data: SearchData): data is typeof ConceptList.Type => Array.isArray(data)
const isCanonical = (data: SearchData): data is typeof Canonical.Type =>
  !Array.isArray(data) && Array.isArray((data as { concepts?: unknown }).concepts)

/** One page of `search.basic` or `search.advanced`. */
export interface SearchResult {
  /** The hits on this page. */
  readonly concepts: ReadonlyArray<SearchConcept>
  /** Hit counts per vocabulary, domain and concept class, when the server sent them. */
  readonly facets?: typeof Facets.Type | undefined
  readonly search_metadata?: typeof SearchMetadata.Type | undefined
  /** From the envelope's `meta.pagination`, when the server sent it. */
  readonly pagination?: Pagination | undefined
}

const toSearchResult = (data: SearchData, meta: ResponseMeta): SearchResult => {
  const pagination = meta.pagination
  if (isConceptList(data)) return { concepts: data, pagination }
  if (isCanonical(data)) {
    return { concepts: data.concepts, facets: data.facets, search_metadata: data.search_metadata, pagination }
  }
  return { concepts: (data as typeof LegacyWrapper.Type).data, pagination }
}

const maxPage = Number.MAX_SAFE_INTEGER
const standardConcepts = ["S", "C", "N"] as const

/**
 * Longest `search.basic` query: the limit `search.bulkBasic` and the sandbox apply to the same search
 * (a much longer one would only meet a server's URL limit, 414/431).
 */
const basicQueryLength = { min: 1, max: 500 }

/**
 * `GET /search/concepts`: full-text concept search (paged, up to 1000 per page) for a query of 1–500
 * characters; a longer one is a `ValidationError`, nothing is sent.
 */
export const basic = makeOperation({
  resource: "search",
  name: "basic",
  method: "GET",
  path: "/search/concepts",
  safeToReplay: true,
  pagination: "page",
  encode: (input: { readonly query: string; readonly options?: BasicSearchOptions | undefined }, check) => {
    const query = check.textOfLength("query", input.query, basicQueryLength.min, basicQueryLength.max)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "domainIds",
      "conceptClassIds",
      "standardConcept",
      "includeSynonyms",
      "includeInvalid",
      "minScore",
      "exactMatch",
      "sortBy",
      "sortOrder",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        query,
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domainIds: check.optionalTextList("options.domainIds", o.domainIds),
        conceptClassIds: check.optionalTextList("options.conceptClassIds", o.conceptClassIds),
        standardConcept: check.optionalLiteral(
          "options.standardConcept",
          o.standardConcept,
          standardConcepts,
        ),
        includeSynonyms: check.optionalBoolean("options.includeSynonyms", o.includeSynonyms),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        minScore: check.optionalNumber("options.minScore", o.minScore, 0, 1),
        exactMatch: check.optionalBoolean("options.exactMatch", o.exactMatch),
        sortBy: check.optionalLiteral("options.sortBy", o.sortBy, ["relevance", "name", "code", "date"]),
        sortOrder: check.optionalLiteral("options.sortOrder", o.sortOrder, ["asc", "desc"]),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: SearchData,
  output: toSearchResult,
  pageItems: (output) => output.concepts,
})

/** Keeps concepts that have (or, with `direction: "reverse"`, are the target of) this relationship. */
export interface RelationshipFilter {
  readonly relationshipId: string
  readonly targetConceptId?: number | undefined
  readonly direction?: "forward" | "reverse" | undefined
}

/** Options of `search.advanced`: the filters of a basic search plus relationship filters, and paging. */
export interface AdvancedSearchOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly conceptClassIds?: ReadonlyArray<string> | undefined
  /** Only standard concepts (wire: `standard_concepts_only`). */
  readonly standardConceptsOnly?: boolean | undefined
  readonly includeInvalid?: boolean | undefined
  readonly relationshipFilters?: ReadonlyArray<RelationshipFilter> | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 1000. */
  readonly pageSize?: number | undefined
  readonly vocabRelease?: string | undefined
}

/** `POST /search/advanced`: search with relationship filters; same result shape as `basic` (paged). */
export const advanced = makeOperation({
  resource: "search",
  name: "advanced",
  method: "POST",
  path: "/search/advanced",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly query: string; readonly options?: AdvancedSearchOptions | undefined },
    check,
  ) => {
    const query = check.text("query", input.query)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "domainIds",
      "conceptClassIds",
      "standardConceptsOnly",
      "includeInvalid",
      "relationshipFilters",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    const relationshipFilters =
      o.relationshipFilters === undefined || o.relationshipFilters === null
        ? undefined
        : check.list("options.relationshipFilters", o.relationshipFilters, 0, 20).map((item, index) => {
            const path = `options.relationshipFilters[${index}]`
            const f = check.options(path, item, ["relationshipId", "targetConceptId", "direction"])
            return {
              relationship_id: check.text(`${path}.relationshipId`, f.relationshipId),
              target_concept_id:
                f.targetConceptId === undefined || f.targetConceptId === null
                  ? undefined
                  : check.conceptId(`${path}.targetConceptId`, f.targetConceptId),
              direction: check.optionalLiteral(`${path}.direction`, f.direction, ["forward", "reverse"]),
            }
          })
    return {
      query: { vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease) },
      body: {
        query,
        vocabulary_ids: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domain_ids: check.optionalTextList("options.domainIds", o.domainIds),
        concept_class_ids: check.optionalTextList("options.conceptClassIds", o.conceptClassIds),
        standard_concepts_only: check.optionalBoolean("options.standardConceptsOnly", o.standardConceptsOnly),
        include_invalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        relationship_filters: relationshipFilters,
        page: check.optionalInteger("options.page", o.page, 1, maxPage),
        page_size: check.optionalInteger("options.pageSize", o.pageSize, 1, 1000),
      },
    }
  },
  data: SearchData,
  output: toSearchResult,
  pageItems: (output) => output.concepts,
})

/** Options of `search.autocomplete`: filters and the number of suggestions. */
export interface AutocompleteOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  /** Sent as `domains` (this endpoint's name for the filter). */
  readonly domainIds?: ReadonlyArray<string> | undefined
  /** Number of suggestions, 1 to 100 (not paged). */
  readonly pageSize?: number | undefined
  readonly vocabRelease?: string | undefined
}

/** One type-ahead suggestion: the full concept, with how well and how it matched when the server says. */
export const AutocompleteSuggestion = openStruct({
  suggestion: Concept,
  match_score: Schema.optional(Schema.NullOr(Schema.Number)),
  match_type: Schema.optional(Schema.NullOr(Schema.String)),
})
export type AutocompleteSuggestion = typeof AutocompleteSuggestion.Type

const AutocompleteData = openStruct({
  query: Schema.optional(Schema.String),
  suggestions: Schema.Array(AutocompleteSuggestion),
})

/** `GET /search/suggest`: type-ahead suggestions, each a full concept (at most 100, not paged). */
export const autocomplete = makeOperation({
  resource: "search",
  name: "autocomplete",
  method: "GET",
  path: "/search/suggest",
  safeToReplay: true,
  pagination: "none",
  encode: (input: { readonly query: string; readonly options?: AutocompleteOptions | undefined }, check) => {
    const query = check.text("query", input.query)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "domainIds",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        query,
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domains: check.optionalTextList("options.domainIds", o.domainIds),
        pageSize: check.optionalInteger("options.pageSize", o.pageSize, 1, 100),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: AutocompleteData,
  output: (data) => data,
})

/** Options of `search.semantic`: filters, the similarity threshold, and paging (up to 100 per page). */
export interface SemanticSearchOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly standardConcept?: "S" | "C" | undefined
  /** One concept class (this endpoint takes a single value). */
  readonly conceptClassId?: string | undefined
  /** Minimum similarity, 0 to 1 (server default 0.5). */
  readonly threshold?: number | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 100. */
  readonly pageSize?: number | undefined
  readonly vocabRelease?: string | undefined
}

/** A semantic hit: the short concept form plus its similarity (0 to 1). */
export const SemanticResult = openStruct({
  ...conceptSummaryFields,
  similarity_score: Schema.Number,
  matched_text: Schema.optional(Schema.NullOr(Schema.String)),
})
export type SemanticResult = typeof SemanticResult.Type

const SemanticMetadata = openStruct({
  query: Schema.optional(Schema.String),
  threshold: Schema.optional(Schema.Number),
  total_candidates: Schema.optional(Schema.Number),
  processing_time_ms: Schema.optional(Schema.Number),
})
const SemanticList = Schema.Array(SemanticResult)
// Canonical `{ results, ... }`, plus a bare array and `{ data: [...] }`.
const SemanticData = Schema.Union([
  openStruct({
    query: Schema.optional(Schema.String),
    results: SemanticList,
    search_metadata: Schema.optional(SemanticMetadata),
  }),
  openStruct({ data: SemanticList }),
  SemanticList,
])

/** One page of `search.semantic`. */
export interface SemanticSearchResult {
  /** The hits on this page, most similar first. */
  readonly results: ReadonlyArray<SemanticResult>
  readonly query?: string | undefined
  readonly search_metadata?: typeof SemanticMetadata.Type | undefined
  readonly pagination?: Pagination | undefined
}

const semanticQueryLength = { min: 1, max: 500 }

/** `GET /search/semantic`: embedding search for a 1–500 character query (paged, up to 100 per page). */
export const semantic = makeOperation({
  resource: "search",
  name: "semantic",
  method: "GET",
  path: "/search/semantic",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly query: string; readonly options?: SemanticSearchOptions | undefined },
    check,
  ) => {
    const query = check.textOfLength("query", input.query, semanticQueryLength.min, semanticQueryLength.max)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "domainIds",
      "standardConcept",
      "conceptClassId",
      "threshold",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        query,
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domainIds: check.optionalTextList("options.domainIds", o.domainIds),
        standardConcept: check.optionalLiteral("options.standardConcept", o.standardConcept, ["S", "C"]),
        conceptClassId: check.optionalText("options.conceptClassId", o.conceptClassId),
        threshold: check.optionalNumber("options.threshold", o.threshold, 0, 1),
        ...pageQuery(check, o, 100),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: SemanticData,
  output: (data, meta): SemanticSearchResult => {
    const pagination = meta.pagination
    if (Array.isArray(data)) return { results: data as typeof SemanticList.Type, pagination }
    if ("results" in data) {
      const canonical = data as {
        readonly query?: string
        readonly results: typeof SemanticList.Type
        readonly search_metadata?: typeof SemanticMetadata.Type
      }
      return {
        results: canonical.results,
        query: canonical.query,
        search_metadata: canonical.search_metadata,
        pagination,
      }
    }
    return { results: (data as { readonly data: typeof SemanticList.Type }).data, pagination }
  },
  pageItems: (output) => output.results,
})

/** Filters shared by one bulk search and the `defaults` that apply to every search. */
export interface BulkBasicFilters {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly conceptClassIds?: ReadonlyArray<string> | undefined
  readonly standardConcept?: "S" | "C" | "N" | undefined
  readonly includeInvalid?: boolean | undefined
  /** Results for this search, 1 to 1000 (server default 20). */
  readonly pageSize?: number | undefined
}

/** One search of a `search.bulkBasic` call: its id, its query, and its own filters. */
export interface BulkBasicSearch extends BulkBasicFilters {
  /** Your id for this search, echoed on its result (must be unique within the call). */
  readonly searchId: string
  /** The search text. */
  readonly query: string
}

/** Options of `search.bulkBasic`: filters for every search, and the release. */
export interface BulkBasicOptions {
  /** Filters for every search; a search's own values win. */
  readonly defaults?: BulkBasicFilters | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

const BulkStatus = Schema.String

/** The outcome of one search of a bulk basic call, matched to it by `search_id`; `status` says whether it completed. */
export const BulkBasicItem = openStruct({
  search_id: Schema.String,
  query: Schema.optional(Schema.NullOr(Schema.String)),
  status: BulkStatus,
  results: Schema.Array(SearchConcept),
  error: Schema.optional(Schema.NullOr(Schema.Unknown)),
  duration: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type BulkBasicItem = typeof BulkBasicItem.Type

const BulkBasicList = Schema.Array(BulkBasicItem)
// A bare array (what the live server sends), or the documented wrapper.
const BulkBasicData = Schema.Union([
  BulkBasicList,
  openStruct({
    results: BulkBasicList,
    total_searches: Schema.optional(Schema.Number),
    completed_searches: Schema.optional(Schema.Number),
    failed_searches: Schema.optional(Schema.Number),
  }),
])

/** What `search.bulkBasic` returns: every search's outcome, and the counts. */
export interface BulkBasicResult {
  /** One entry per search, in the order the server returned them; match them by `search_id`. */
  readonly results: ReadonlyArray<BulkBasicItem>
  readonly total_searches: number
  readonly completed_searches: number
  readonly failed_searches: number
}

/** The most searches one `bulkBasic` call accepts. */
export const bulkBasicLimit = 50
/** The most searches one `bulkSemantic` call accepts. */
export const bulkSemanticLimit = 25

const completedCount = (items: ReadonlyArray<{ readonly status: string }>) =>
  items.filter((item) => item.status === "completed").length

/** Checks the searches list and each search's id and query; ids must be unique to match results. */
const checkSearches = (
  check: Checker,
  value: unknown,
  max: number,
  queryLength: { readonly min: number; readonly max: number },
  known: ReadonlyArray<string>,
) => {
  const seen = new Set<string>()
  return check.list("searches", value, 1, max).map((item, index) => {
    const path = `searches[${index}]`
    const fields = check.options(path, item, ["searchId", "query", ...known])
    const searchId = check.text(`${path}.searchId`, fields.searchId)
    if (seen.has(searchId)) check.report(`${path}.searchId`, "must be unique within the call")
    seen.add(searchId)
    return {
      path,
      fields: fields as Record<string, unknown>,
      search_id: searchId,
      query: check.textOfLength(`${path}.query`, fields.query, queryLength.min, queryLength.max),
    }
  })
}

/** The wire form both bulk searches share: checked searches with their filters, and the defaults. */
const encodeBulk = (
  check: Checker,
  input: { readonly searches: unknown; readonly options?: unknown },
  rules: {
    readonly limit: number
    readonly queryLength: { readonly min: number; readonly max: number }
    readonly filterKeys: ReadonlyArray<string>
    readonly encodeFilters: (check: Checker, path: string, fields: Partial<Record<string, unknown>>) => object
  },
) => {
  const searches = checkSearches(check, input.searches, rules.limit, rules.queryLength, rules.filterKeys)
  const o = check.options("options", input.options, ["defaults", "vocabRelease"])
  const defaults =
    o.defaults === undefined || o.defaults === null
      ? undefined
      : rules.encodeFilters(
          check,
          "options.defaults",
          check.options("options.defaults", o.defaults, rules.filterKeys),
        )
  return {
    query: { vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease) },
    body: {
      searches: searches.map(({ path, fields, search_id, query }) => ({
        search_id,
        query,
        ...rules.encodeFilters(check, path, fields),
      })),
      defaults,
    },
  }
}

const bulkBasicFilterKeys = [
  "vocabularyIds",
  "domainIds",
  "conceptClassIds",
  "standardConcept",
  "includeInvalid",
  "pageSize",
] as const

const encodeBulkBasicFilters = (check: Checker, path: string, f: Partial<Record<string, unknown>>) => ({
  vocabulary_ids: check.optionalTextList(`${path}.vocabularyIds`, f.vocabularyIds),
  domain_ids: check.optionalTextList(`${path}.domainIds`, f.domainIds),
  concept_class_ids: check.optionalTextList(`${path}.conceptClassIds`, f.conceptClassIds),
  standard_concept: check.optionalLiteral(`${path}.standardConcept`, f.standardConcept, standardConcepts),
  include_invalid: check.optionalBoolean(`${path}.includeInvalid`, f.includeInvalid),
  page_size: check.optionalInteger(`${path}.pageSize`, f.pageSize, 1, 1000),
})

/**
 * `POST /search/bulk`: up to 50 lexical searches in one request. More than 50 is a
 * `ValidationError` (nothing is sent or cut); split larger sets across calls.
 */
export const bulkBasic = makeOperation({
  resource: "search",
  name: "bulkBasic",
  method: "POST",
  path: "/search/bulk",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly searches: ReadonlyArray<BulkBasicSearch>
      readonly options?: BulkBasicOptions | undefined
    },
    check,
  ) => {
    return encodeBulk(check, input, {
      limit: bulkBasicLimit,
      queryLength: { min: 1, max: 500 },
      filterKeys: bulkBasicFilterKeys,
      encodeFilters: encodeBulkBasicFilters,
    })
  },
  data: BulkBasicData,
  output: (data): BulkBasicResult => {
    const wrapper = Array.isArray(data) ? undefined : (data as Exclude<typeof data, ReadonlyArray<unknown>>)
    const results = wrapper === undefined ? (data as typeof BulkBasicList.Type) : wrapper.results
    const completed = completedCount(results)
    return {
      results,
      total_searches: wrapper?.total_searches ?? results.length,
      completed_searches: wrapper?.completed_searches ?? completed,
      failed_searches: wrapper?.failed_searches ?? results.length - completed,
    }
  },
})

/** Filters shared by one bulk semantic search and the `defaults` that apply to every search. */
export interface BulkSemanticFilters {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly standardConcept?: "S" | "C" | undefined
  readonly conceptClassId?: string | undefined
  /** Minimum similarity, 0 to 1. */
  readonly threshold?: number | undefined
  /** Results for this search, 1 to 100. */
  readonly pageSize?: number | undefined
}

/** One search of a `search.bulkSemantic` call: its id, its query, and its own filters. */
export interface BulkSemanticSearch extends BulkSemanticFilters {
  /** Your id for this search, echoed on its result (must be unique within the call). */
  readonly searchId: string
  /** 1 to 500 characters. */
  readonly query: string
}

/** Options of `search.bulkSemantic`: filters for every search, and the release. */
export interface BulkSemanticOptions {
  /** Filters for every search; a search's own values win. */
  readonly defaults?: BulkSemanticFilters | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

/** The outcome of one search of a bulk semantic call, matched to it by `search_id`; `status` says whether it completed. */
export const BulkSemanticItem = openStruct({
  search_id: Schema.String,
  query: Schema.optional(Schema.NullOr(Schema.String)),
  status: BulkStatus,
  results: SemanticList,
  error: Schema.optional(Schema.NullOr(Schema.Unknown)),
  similarity_threshold: Schema.optional(Schema.NullOr(Schema.Number)),
  result_count: Schema.optional(Schema.NullOr(Schema.Number)),
  duration: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type BulkSemanticItem = typeof BulkSemanticItem.Type

const BulkSemanticList = Schema.Array(BulkSemanticItem)
const BulkSemanticData = Schema.Union([
  openStruct({
    results: BulkSemanticList,
    total_searches: Schema.optional(Schema.Number),
    completed_count: Schema.optional(Schema.Number),
    failed_count: Schema.optional(Schema.Number),
    total_duration: Schema.optional(Schema.NullOr(Schema.Number)),
  }),
  BulkSemanticList,
])

/** What `search.bulkSemantic` returns: every search's outcome, and the counts. */
export interface BulkSemanticResult {
  /** One entry per search; match them by `search_id`. */
  readonly results: ReadonlyArray<BulkSemanticItem>
  readonly total_searches: number
  /** The wire's name for this endpoint (bulk basic says `completed_searches`). */
  readonly completed_count: number
  readonly failed_count: number
  readonly total_duration?: number | undefined
}

const bulkSemanticFilterKeys = [
  "vocabularyIds",
  "domainIds",
  "standardConcept",
  "conceptClassId",
  "threshold",
  "pageSize",
] as const

const encodeBulkSemanticFilters = (check: Checker, path: string, f: Partial<Record<string, unknown>>) => ({
  vocabulary_ids: check.optionalTextList(`${path}.vocabularyIds`, f.vocabularyIds),
  domain_ids: check.optionalTextList(`${path}.domainIds`, f.domainIds),
  standard_concept: check.optionalLiteral(`${path}.standardConcept`, f.standardConcept, ["S", "C"]),
  concept_class_id: check.optionalText(`${path}.conceptClassId`, f.conceptClassId),
  threshold: check.optionalNumber(`${path}.threshold`, f.threshold, 0, 1),
  page_size: check.optionalInteger(`${path}.pageSize`, f.pageSize, 1, 100),
})

/**
 * `POST /search/semantic-bulk`: up to 25 semantic searches (queries of 1–500 characters). More
 * than 25 is a `ValidationError` (nothing is sent or cut); split larger sets across calls.
 */
export const bulkSemantic = makeOperation({
  resource: "search",
  name: "bulkSemantic",
  method: "POST",
  path: "/search/semantic-bulk",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly searches: ReadonlyArray<BulkSemanticSearch>
      readonly options?: BulkSemanticOptions | undefined
    },
    check,
  ) => {
    return encodeBulk(check, input, {
      limit: bulkSemanticLimit,
      queryLength: semanticQueryLength,
      filterKeys: bulkSemanticFilterKeys,
      encodeFilters: encodeBulkSemanticFilters,
    })
  },
  data: BulkSemanticData,
  output: (data): BulkSemanticResult => {
    const wrapper = Array.isArray(data) ? undefined : (data as Exclude<typeof data, ReadonlyArray<unknown>>)
    const results = wrapper === undefined ? (data as typeof BulkSemanticList.Type) : wrapper.results
    const completed = completedCount(results)
    return {
      results,
      total_searches: wrapper?.total_searches ?? results.length,
      completed_count: wrapper?.completed_count ?? completed,
      failed_count: wrapper?.failed_count ?? results.length - completed,
      total_duration: wrapper?.total_duration ?? undefined,
    }
  },
})

/** What `search.similar` looks for (one concept id, concept name or text) and how. */
export interface SimilarSearchRequest {
  /** Give exactly one of `conceptId`, `conceptName` and `query`. */
  readonly conceptId?: number | undefined
  readonly conceptName?: string | undefined
  readonly query?: string | undefined
  /** Server default `hybrid`. */
  readonly algorithm?: "semantic" | "lexical" | "hybrid" | undefined
  /** 0 to 1 (server default 0.7). */
  readonly similarityThreshold?: number | undefined
  /** Number of results, 1 to 1000 (not paged). */
  readonly pageSize?: number | undefined
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly standardConcept?: "S" | "C" | "N" | undefined
  readonly includeInvalid?: boolean | undefined
  /** Adds the per-algorithm `scores` to each result. */
  readonly includeScores?: boolean | undefined
  /** Adds an explanation of the similarity to each result. */
  readonly includeExplanations?: boolean | undefined
  readonly vocabRelease?: string | undefined
}

/** A concept similar to the request, with its similarity, plus per-algorithm scores and an explanation when asked for. */
export const SimilarConcept = openStruct({
  ...conceptSummaryFields,
  similarity_score: Schema.Number,
  matched_text: Schema.optional(Schema.NullOr(Schema.String)),
  scores: Schema.optional(
    openStruct({
      semantic: Schema.optional(Schema.NullOr(Schema.Number)),
      lexical: Schema.optional(Schema.NullOr(Schema.Number)),
      hybrid: Schema.optional(Schema.NullOr(Schema.Number)),
    }),
  ),
  explanation: Schema.optional(Schema.NullOr(Schema.String)),
  similarity_explanation: Schema.optional(Schema.NullOr(Schema.String)),
})
export type SimilarConcept = typeof SimilarConcept.Type

const SimilarData = openStruct({
  similar_concepts: Schema.Array(SimilarConcept),
  search_metadata: Schema.optional(
    openStruct({
      original_query: Schema.optional(Schema.NullOr(Schema.String)),
      algorithm_used: Schema.optional(Schema.String),
      similarity_threshold: Schema.optional(Schema.Number),
      total_candidates: Schema.optional(Schema.Number),
      results_returned: Schema.optional(Schema.Number),
      processing_time_ms: Schema.optional(Schema.Number),
      embedding_latency_ms: Schema.optional(Schema.NullOr(Schema.Number)),
    }),
  ),
})

/** `POST /search/similar`: concepts similar to a concept id, a concept name or free text. */
export const similar = makeOperation({
  resource: "search",
  name: "similar",
  method: "POST",
  path: "/search/similar",
  safeToReplay: true,
  pagination: "none",
  encode: (input: SimilarSearchRequest | undefined, check) => {
    const r = check.options("request", input, [
      "conceptId",
      "conceptName",
      "query",
      "algorithm",
      "similarityThreshold",
      "pageSize",
      "vocabularyIds",
      "domainIds",
      "standardConcept",
      "includeInvalid",
      "includeScores",
      "includeExplanations",
      "vocabRelease",
    ])
    const given = (["conceptId", "conceptName", "query"] as const).filter(
      (key) => r[key] !== undefined && r[key] !== null,
    )
    if (given.length !== 1) {
      check.report(
        "request",
        given.length === 0
          ? "must give one of conceptId, conceptName and query"
          : `must give only one of conceptId, conceptName and query (got ${given.join(", ")})`,
      )
    }
    return {
      query: { vocabRelease: check.optionalText("request.vocabRelease", r.vocabRelease) },
      body: {
        concept_id: given.includes("conceptId")
          ? check.conceptId("request.conceptId", r.conceptId)
          : undefined,
        concept_name: check.optionalText("request.conceptName", r.conceptName),
        query: check.optionalText("request.query", r.query),
        algorithm: check.optionalLiteral("request.algorithm", r.algorithm, ["semantic", "lexical", "hybrid"]),
        similarity_threshold: check.optionalNumber(
          "request.similarityThreshold",
          r.similarityThreshold,
          0,
          1,
        ),
        page_size: check.optionalInteger("request.pageSize", r.pageSize, 1, 1000),
        vocabulary_ids: check.optionalTextList("request.vocabularyIds", r.vocabularyIds),
        domain_ids: check.optionalTextList("request.domainIds", r.domainIds),
        standard_concept: check.optionalLiteral(
          "request.standardConcept",
          r.standardConcept,
          standardConcepts,
        ),
        include_invalid: check.optionalBoolean("request.includeInvalid", r.includeInvalid),
        include_scores: check.optionalBoolean("request.includeScores", r.includeScores),
        include_explanations: check.optionalBoolean("request.includeExplanations", r.includeExplanations),
      },
    }
  },
  data: SimilarData,
  output: (data) => data,
})

/** The search methods of both clients. */
export const methods = {
  basic: method(basic, 1, ([query]: [query: string], options: BasicSearchOptions | undefined) => ({
    query,
    options,
  })),
  advanced: method(advanced, 1, ([query]: [query: string], options: AdvancedSearchOptions | undefined) => ({
    query,
    options,
  })),
  autocomplete: method(
    autocomplete,
    1,
    ([query]: [query: string], options: AutocompleteOptions | undefined) => ({
      query,
      options,
    }),
  ),
  semantic: method(semantic, 1, ([query]: [query: string], options: SemanticSearchOptions | undefined) => ({
    query,
    options,
  })),
  bulkBasic: method(
    bulkBasic,
    1,
    ([searches]: [searches: ReadonlyArray<BulkBasicSearch>], options: BulkBasicOptions | undefined) => ({
      searches,
      options,
    }),
  ),
  bulkSemantic: method(
    bulkSemantic,
    1,
    (
      [searches]: [searches: ReadonlyArray<BulkSemanticSearch>],
      options: BulkSemanticOptions | undefined,
    ) => ({
      searches,
      options,
    }),
  ),
  /** `similar(request)`: the request object is the trailing options argument. */
  similar: method(similar, 0, (_args: [], request: SimilarSearchRequest | undefined) => request),
}
