/**
 * Search endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { conceptFields, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"

export interface BasicSearchOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly conceptClassIds?: ReadonlyArray<string> | undefined
  readonly standardConcept?: "S" | "C" | "N" | undefined
  readonly includeSynonyms?: boolean | undefined
  readonly includeInvalid?: boolean | undefined
  /** 0 to 1. */
  readonly minScore?: number | undefined
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

export interface SearchResult {
  readonly concepts: ReadonlyArray<SearchConcept>
  readonly facets?: typeof Facets.Type | undefined
  readonly search_metadata?: typeof SearchMetadata.Type | undefined
  /** From the envelope's `meta.pagination`, when the server sent it. */
  readonly pagination?: Pagination | undefined
}

const listLimit = { min: 1, max: 1000 }

/** `GET /search/concepts`: full-text concept search. */
export const basic = makeOperation({
  resource: "search",
  name: "basic",
  method: "GET",
  path: "/search/concepts",
  safeToReplay: true,
  pagination: "page",
  encode: (input: { readonly query: string; readonly options?: BasicSearchOptions | undefined }, check) => {
    const query = check.text("query", input.query)
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
        standardConcept: check.optionalLiteral("options.standardConcept", o.standardConcept, ["S", "C", "N"]),
        includeSynonyms: check.optionalBoolean("options.includeSynonyms", o.includeSynonyms),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        minScore: check.optionalNumber("options.minScore", o.minScore, 0, 1),
        exactMatch: check.optionalBoolean("options.exactMatch", o.exactMatch),
        sortBy: check.optionalLiteral("options.sortBy", o.sortBy, ["relevance", "name", "code", "date"]),
        sortOrder: check.optionalLiteral("options.sortOrder", o.sortOrder, ["asc", "desc"]),
        page: check.optionalInteger("options.page", o.page, 1, Number.MAX_SAFE_INTEGER),
        pageSize: check.optionalInteger("options.pageSize", o.pageSize, listLimit.min, listLimit.max),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: SearchData,
  output: (data, meta): SearchResult => {
    const pagination = meta.pagination
    if (isConceptList(data)) return { concepts: data, pagination }
    if (isCanonical(data)) {
      return {
        concepts: data.concepts,
        facets: data.facets,
        search_metadata: data.search_metadata,
        pagination,
      }
    }
    return { concepts: (data as typeof LegacyWrapper.Type).data, pagination }
  },
})

/** The search methods of both clients. */
export const methods = {
  basic: method(basic, 1, ([query]: [query: string], options: BasicSearchOptions | undefined) => ({
    query,
    options,
  })),
}
