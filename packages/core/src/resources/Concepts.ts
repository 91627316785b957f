/**
 * Concept endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { Concept, ConceptRelationship, conceptSummaryFields, openStruct, PaginationSchema } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { pageQuery } from "./PageQuery.ts"
import type { Checker } from "./Validate.ts"

/** Vocabulary release for one call, e.g. `2025.1` (overrides the client's); sent as `vocab_release`. */
interface ReleaseOption {
  readonly vocabRelease?: string | undefined
}

/** Options of `concepts.get` and `concepts.getByCode`: what to embed in the concept row. */
export interface GetConceptOptions extends ReleaseOption {
  /** Embed the concept's relationships in `relationships`. */
  readonly includeRelationships?: boolean | undefined
  /** Embed its synonyms in `synonyms`. */
  readonly includeSynonyms?: boolean | undefined
  /** Embed its hierarchy position in `hierarchy`. */
  readonly includeHierarchy?: boolean | undefined
}

const getOptionKeys = ["includeRelationships", "includeSynonyms", "includeHierarchy", "vocabRelease"] as const

const encodeGetOptions = (options: unknown, check: Checker) => {
  const o = check.options("options", options, getOptionKeys)
  return {
    includeRelationships: check.optionalBoolean("options.includeRelationships", o.includeRelationships),
    includeSynonyms: check.optionalBoolean("options.includeSynonyms", o.includeSynonyms),
    includeHierarchy: check.optionalBoolean("options.includeHierarchy", o.includeHierarchy),
    vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
  }
}

/** Page numbers are 1-based; any safe integer above 0 is accepted. */

/** `GET /concepts/{concept_id}`: one concept by its OMOP id (0 and ids above 2^31 are valid). */
export const get = makeOperation({
  resource: "concepts",
  name: "get",
  method: "GET",
  path: "/concepts/{concept_id}",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly conceptId: number; readonly options?: GetConceptOptions | undefined },
    check,
  ) => ({
    path: { concept_id: check.conceptId("conceptId", input.conceptId) },
    query: encodeGetOptions(input.options, check),
  }),
  data: Concept,
  output: (concept) => concept,
})

/**
 * `GET /concepts/by-code/{vocabulary_id}/{concept_code}`: one concept by its native code. Each
 * argument becomes exactly one path segment, byte for byte (`mg/dL`, `[in_i]`, `%`, spaces, case).
 */
export const getByCode = makeOperation({
  resource: "concepts",
  name: "getByCode",
  method: "GET",
  path: "/concepts/by-code/{vocabulary_id}/{concept_code}",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly vocabularyId: string
      readonly conceptCode: string
      readonly options?: GetConceptOptions | undefined
    },
    check,
  ) => ({
    path: {
      vocabulary_id: check.text("vocabularyId", input.vocabularyId),
      // Codes are kept exactly as given (no trimming): `Ms` and `ms` are different UCUM codes.
      concept_code: check.text("conceptCode", input.conceptCode),
    },
    query: encodeGetOptions(input.options, check),
  }),
  data: Concept,
  output: (concept) => concept,
})

/** Options of `concepts.batch`: what to embed, and which concepts count as found. */
export interface BatchConceptsOptions extends ReleaseOption {
  readonly includeRelationships?: boolean | undefined
  readonly includeSynonyms?: boolean | undefined
  readonly includeMappings?: boolean | undefined
  /** Only return concepts from these vocabularies (the others are listed in `failed_concepts`). */
  readonly vocabularyFilter?: ReadonlyArray<string> | undefined
  /** Server default `true`: non-standard concepts are listed in `failed_concepts`. */
  readonly standardOnly?: boolean | undefined
}

/** The most ids one `POST /concepts/batch` accepts. */
export const batchLimit = 100

const FailedConceptObject = openStruct({
  concept_id: Schema.Number,
  reason: Schema.optional(Schema.NullOr(Schema.String)),
})
// Some sources list failed ids as bare numbers; they decode to `{ concept_id }`.
const FailedConcept = Schema.Union([
  FailedConceptObject,
  Schema.Number.pipe(
    Schema.decodeTo(
      FailedConceptObject,
      SchemaTransformation.transform({
        decode: (conceptId: number) => ({ concept_id: conceptId }),
        encode: (failed) => failed.concept_id,
      }),
    ),
  ),
])
const BatchSummary = openStruct({
  total: Schema.optional(Schema.Number),
  found: Schema.optional(Schema.Number),
  failed: Schema.optional(Schema.Number),
})
const batchTail = {
  failed_concepts: Schema.optional(Schema.NullOr(Schema.Array(FailedConcept))),
  summary: Schema.optional(Schema.NullOr(BatchSummary)),
}
// The canonical `concepts`, or `results` (once seen in production).
const BatchData = Schema.Union([
  openStruct({ concepts: Schema.Array(Concept), ...batchTail }),
  openStruct({ results: Schema.Array(Concept), ...batchTail }),
])

/** What `concepts.batch` returns: the concepts found, and the requested ids that were not. */
export interface BatchConceptsResult {
  /** The concepts found, as full rows. */
  readonly concepts: ReadonlyArray<Concept>
  /** Requested ids that were not returned (unknown, or filtered out), with the reason when given. */
  readonly failed_concepts: ReadonlyArray<typeof FailedConceptObject.Type>
  readonly summary?: typeof BatchSummary.Type | undefined
}

/**
 * `POST /concepts/batch`: up to 100 concepts in one request. More than 100 ids is a
 * `ValidationError` (no request is sent, nothing is cut); to fetch more, call `concepts.get` for
 * each id and let the client's automatic batching group them.
 */
export const batch = makeOperation({
  resource: "concepts",
  name: "batch",
  method: "POST",
  path: "/concepts/batch",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly conceptIds: ReadonlyArray<number>
      readonly options?: BatchConceptsOptions | undefined
    },
    check,
  ) => {
    const conceptIds = check.conceptIdList("conceptIds", input.conceptIds, 1, batchLimit)
    const o = check.options("options", input.options, [
      "includeRelationships",
      "includeSynonyms",
      "includeMappings",
      "vocabularyFilter",
      "standardOnly",
      "vocabRelease",
    ])
    return {
      query: { vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease) },
      body: {
        concept_ids: conceptIds,
        include_relationships: check.optionalBoolean("options.includeRelationships", o.includeRelationships),
        include_synonyms: check.optionalBoolean("options.includeSynonyms", o.includeSynonyms),
        include_mappings: check.optionalBoolean("options.includeMappings", o.includeMappings),
        vocabulary_filter: check.optionalTextList("options.vocabularyFilter", o.vocabularyFilter),
        standard_only: check.optionalBoolean("options.standardOnly", o.standardOnly),
      },
    }
  },
  data: BatchData,
  output: (data): BatchConceptsResult => ({
    concepts: Array.isArray(data.concepts)
      ? (data.concepts as ReadonlyArray<Concept>)
      : (data.results as ReadonlyArray<Concept>),
    failed_concepts: data.failed_concepts ?? [],
    summary: data.summary ?? undefined,
  }),
})

/** Options of `concepts.suggest`: filters and paging. */
export interface SuggestConceptsOptions extends ReleaseOption {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 100. */
  readonly pageSize?: number | undefined
}

/** A suggestion: the suggested text plus, from current servers, the concept row it came from. */
export const ConceptSuggestion = openStruct({
  suggestion: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  match_type: Schema.optional(Schema.String),
  match_score: Schema.optional(Schema.NullOr(Schema.Number)),
  concept_id: Schema.optional(Schema.Number),
  concept_name: Schema.optional(Schema.String),
  vocabulary_id: Schema.optional(Schema.String),
  concept_code: Schema.optional(Schema.String),
})
export type ConceptSuggestion = typeof ConceptSuggestion.Type

const SuggestionList = Schema.Array(ConceptSuggestion)
// A bare array (current), or `{ data: [...], meta: { pagination } }` inside `data` (node's typing).
const SuggestData = Schema.Union([
  SuggestionList,
  openStruct({
    data: SuggestionList,
    meta: Schema.optional(
      Schema.NullOr(openStruct({ pagination: Schema.optional(Schema.NullOr(PaginationSchema)) })),
    ),
  }),
])

/** One page of `concepts.suggest`. */
export interface SuggestConceptsResult {
  /** The suggestions on this page, best first. */
  readonly suggestions: ReadonlyArray<ConceptSuggestion>
  readonly pagination?: Pagination | undefined
}

/** `GET /concepts/suggest`: concept suggestions for a 2–100 character prefix (paged, 100 per page at most). */
export const suggest = makeOperation({
  resource: "concepts",
  name: "suggest",
  method: "GET",
  path: "/concepts/suggest",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly query: string; readonly options?: SuggestConceptsOptions | undefined },
    check,
  ) => {
    const query = check.textOfLength("query", input.query, 2, 100)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "domainIds",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        query,
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domainIds: check.optionalTextList("options.domainIds", o.domainIds),
        ...pageQuery(check, o, 100),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: SuggestData,
  output: (data, meta): SuggestConceptsResult => {
    if (Array.isArray(data)) return { suggestions: data, pagination: meta.pagination }
    const nested = data as {
      readonly data: typeof SuggestionList.Type
      readonly meta?: { readonly pagination?: Pagination | null } | null
    }
    return { suggestions: nested.data, pagination: meta.pagination ?? nested.meta?.pagination ?? undefined }
  },
  pageItems: (output) => output.suggestions,
})

/** Options of `concepts.related`: which relationships to follow, the score floor, the result count. */
export interface RelatedConceptsOptions extends ReleaseOption {
  /** Relationship ids to follow, e.g. `["Is a", "Maps to"]`. */
  readonly relationshipTypes?: ReadonlyArray<string> | undefined
  /** 0 to 1. */
  readonly minScore?: number | undefined
  /** 1 to 100 (the endpoint is not paged: this is the number of results). */
  readonly pageSize?: number | undefined
}

/** A concept related to the queried one, with the relationship that links them. */
export const RelatedConcept = openStruct({
  ...conceptSummaryFields,
  vocabulary_name: Schema.optional(Schema.NullOr(Schema.String)),
  relationship_id: Schema.optional(Schema.String),
  relationship_name: Schema.optional(Schema.NullOr(Schema.String)),
  relationship_score: Schema.optional(Schema.NullOr(Schema.Number)),
  relationship_distance: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type RelatedConcept = typeof RelatedConcept.Type

const RelatedList = Schema.Array(RelatedConcept)
// A bare array (current), or the older `{ related_concepts: [...] }`.
const RelatedData = Schema.Union([RelatedList, openStruct({ related_concepts: RelatedList })])

/** `GET /concepts/{concept_id}/related`: concepts related to one concept, best first (at most 100). */
export const related = makeOperation({
  resource: "concepts",
  name: "related",
  method: "GET",
  path: "/concepts/{concept_id}/related",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly conceptId: number; readonly options?: RelatedConceptsOptions | undefined },
    check,
  ) => {
    const conceptId = check.conceptId("conceptId", input.conceptId)
    const o = check.options("options", input.options, [
      "relationshipTypes",
      "minScore",
      "pageSize",
      "vocabRelease",
    ])
    return {
      path: { concept_id: conceptId },
      query: {
        relationshipTypes: check.optionalTextList("options.relationshipTypes", o.relationshipTypes),
        minScore: check.optionalNumber("options.minScore", o.minScore, 0, 1),
        pageSize: check.optionalInteger("options.pageSize", o.pageSize, 1, 100),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: RelatedData,
  output: (data): ReadonlyArray<RelatedConcept> =>
    Array.isArray(data)
      ? data
      : (data as { readonly related_concepts: typeof RelatedList.Type }).related_concepts,
})

/** Options of `concepts.relationships`: filters on the relationship rows, and paging. */
export interface ConceptRelationshipsOptions extends ReleaseOption {
  readonly relationshipIds?: ReadonlyArray<string> | undefined
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly includeInvalid?: boolean | undefined
  readonly standardOnly?: boolean | undefined
  /** Also return rows where the concept is the target (a superset). */
  readonly includeReverse?: boolean | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 1000. */
  readonly pageSize?: number | undefined
}

/** One page of `concepts.relationships`. */
export interface ConceptRelationshipsResult {
  /** The relationship rows on this page. */
  readonly relationships: ReadonlyArray<ConceptRelationship>
  readonly pagination?: Pagination | undefined
}

/**
 * `GET /concepts/{concept_id}/relationships`: the concept's relationship rows, paged. The same
 * endpoint as `relationships.get`; this descriptor can serve both.
 */
export const relationships = makeOperation({
  resource: "concepts",
  name: "relationships",
  method: "GET",
  path: "/concepts/{concept_id}/relationships",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly conceptId: number; readonly options?: ConceptRelationshipsOptions | undefined },
    check,
  ) => {
    const conceptId = check.conceptId("conceptId", input.conceptId)
    const o = check.options("options", input.options, [
      "relationshipIds",
      "vocabularyIds",
      "domainIds",
      "includeInvalid",
      "standardOnly",
      "includeReverse",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      path: { concept_id: conceptId },
      query: {
        relationshipIds: check.optionalTextList("options.relationshipIds", o.relationshipIds),
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        domainIds: check.optionalTextList("options.domainIds", o.domainIds),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        standardOnly: check.optionalBoolean("options.standardOnly", o.standardOnly),
        includeReverse: check.optionalBoolean("options.includeReverse", o.includeReverse),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: openStruct({ relationships: Schema.Array(ConceptRelationship) }),
  output: (data, meta): ConceptRelationshipsResult => ({
    relationships: data.relationships,
    pagination: meta.pagination,
  }),
  pageItems: (output) => output.relationships,
})

/** Options of `concepts.recommended`: filters on the recommendations, and paging. */
export interface RecommendedConceptsOptions extends ReleaseOption {
  /** At most 20. */
  readonly relationshipTypes?: ReadonlyArray<string> | undefined
  /** At most 50. */
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  /** At most 50. */
  readonly domainIds?: ReadonlyArray<string> | undefined
  /** Server default `true`. */
  readonly standardOnly?: boolean | undefined
  /** Server default `false`. */
  readonly includeInvalid?: boolean | undefined
  /** 1-based; one page window applies to every source concept's list. */
  readonly page?: number | undefined
  /** 1 to 1000. */
  readonly pageSize?: number | undefined
}

/** One recommended concept. */
export const RecommendedConcept = openStruct({
  ...conceptSummaryFields,
  invalid_reason: Schema.optional(Schema.NullOr(Schema.String)),
  valid_start_date: Schema.optional(Schema.NullOr(Schema.String)),
  valid_end_date: Schema.optional(Schema.NullOr(Schema.String)),
  relationship_id: Schema.optional(Schema.NullOr(Schema.String)),
  source_concept_id: Schema.optional(Schema.Number),
})
export type RecommendedConcept = typeof RecommendedConcept.Type

const RecommendedList = Schema.Array(RecommendedConcept)
const RecommendedByConcept = Schema.Record(Schema.String, RecommendedList)
// Current servers key the lists by source concept id; an older shape wraps a flat list (or the
// keyed object) in `recommendations`.
const RecommendedData = Schema.Union([
  openStruct({ recommendations: Schema.Union([RecommendedList, RecommendedByConcept]) }),
  RecommendedByConcept,
])

/** What `concepts.recommended` returns: one list of recommendations per source concept. */
export interface RecommendedConceptsResult {
  /**
   * Recommendations per source concept, keyed by the source concept id as a string. Every entry
   * carries its `source_concept_id` (added from the key when the server left it out). Entries of the
   * older flat shape are grouped by their `source_concept_id` (under `""` when they carry none).
   */
  readonly recommendations: Readonly<Record<string, ReadonlyArray<RecommendedConcept>>>
  /** Describes the longest of the lists. */
  readonly pagination?: Pagination | undefined
}

type RecommendedGroups = Readonly<Record<string, ReadonlyArray<RecommendedConcept>>>

const groupBySource = (entries: ReadonlyArray<RecommendedConcept>): RecommendedGroups => {
  const groups: Record<string, Array<RecommendedConcept>> = {}
  for (const entry of entries) {
    const key = entry.source_concept_id === undefined ? "" : String(entry.source_concept_id)
    const group = groups[key] ?? []
    group.push(entry)
    groups[key] = group
  }
  return groups
}

const withSourceIds = (groups: RecommendedGroups): RecommendedGroups =>
  Object.fromEntries(
    Object.entries(groups).map(([key, entries]) => {
      const sourceId = Number(key)
      if (key === "" || !Number.isSafeInteger(sourceId)) return [key, entries]
      return [
        key,
        entries.map((entry) => ({ ...entry, source_concept_id: entry.source_concept_id ?? sourceId })),
      ]
    }),
  )

const recommendationGroups = (data: typeof RecommendedData.Type): RecommendedGroups => {
  if (!("recommendations" in data)) return data as RecommendedGroups
  const inner = (data as { readonly recommendations: ReadonlyArray<RecommendedConcept> | RecommendedGroups })
    .recommendations
  return Array.isArray(inner) ? groupBySource(inner) : (inner as RecommendedGroups)
}

/**
 * `POST /concepts/recommended`: recommended concepts for 1–100 source concepts. Caps (a
 * `ValidationError` before any request, nothing is cut): 100 concept ids, 20 relationship types, 50
 * vocabulary ids, 50 domain ids. Paging (`page`, `page_size`) goes in the query string, as the node
 * SDK sends it; the filters go in the JSON body.
 */
export const recommended = makeOperation({
  resource: "concepts",
  name: "recommended",
  method: "POST",
  path: "/concepts/recommended",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: {
      readonly conceptIds: ReadonlyArray<number>
      readonly options?: RecommendedConceptsOptions | undefined
    },
    check,
  ) => {
    const conceptIds = check.conceptIdList("conceptIds", input.conceptIds, 1, 100)
    const o = check.options("options", input.options, [
      "relationshipTypes",
      "vocabularyIds",
      "domainIds",
      "standardOnly",
      "includeInvalid",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
      body: {
        concept_ids: conceptIds,
        relationship_types: check.optionalTextList("options.relationshipTypes", o.relationshipTypes, 20),
        vocabulary_ids: check.optionalTextList("options.vocabularyIds", o.vocabularyIds, 50),
        domain_ids: check.optionalTextList("options.domainIds", o.domainIds, 50),
        standard_only: check.optionalBoolean("options.standardOnly", o.standardOnly),
        include_invalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
      },
    }
  },
  data: RecommendedData,
  output: (data, meta): RecommendedConceptsResult => ({
    recommendations: withSourceIds(recommendationGroups(data)),
    pagination: meta.pagination,
  }),
  // Every list flattened, in key order; each entry names its source concept.
  pageItems: (output) => Object.values(output.recommendations).flat(),
})

/** The concept methods of both clients. */
export const methods = {
  get: method(get, 1, ([conceptId]: [conceptId: number], options: GetConceptOptions | undefined) => ({
    conceptId,
    options,
  })),
  getByCode: method(
    getByCode,
    2,
    (
      [vocabularyId, conceptCode]: [vocabularyId: string, conceptCode: string],
      options: GetConceptOptions | undefined,
    ) => ({ vocabularyId, conceptCode, options }),
  ),
  batch: method(
    batch,
    1,
    ([conceptIds]: [conceptIds: ReadonlyArray<number>], options: BatchConceptsOptions | undefined) => ({
      conceptIds,
      options,
    }),
  ),
  suggest: method(suggest, 1, ([query]: [query: string], options: SuggestConceptsOptions | undefined) => ({
    query,
    options,
  })),
  related: method(
    related,
    1,
    ([conceptId]: [conceptId: number], options: RelatedConceptsOptions | undefined) => ({
      conceptId,
      options,
    }),
  ),
  relationships: method(
    relationships,
    1,
    ([conceptId]: [conceptId: number], options: ConceptRelationshipsOptions | undefined) => ({
      conceptId,
      options,
    }),
  ),
  recommended: method(
    recommended,
    1,
    ([conceptIds]: [conceptIds: ReadonlyArray<number>], options: RecommendedConceptsOptions | undefined) => ({
      conceptIds,
      options,
    }),
  ),
}
