/**
 * Vocabularies endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Concept, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { type PageOptions, pageQuery } from "./PageQuery.ts"
import type { Checker } from "./Validate.ts"

/** Options every vocabularies call accepts. */
export interface VocabularyReleaseOption {
  /** Vocabulary release for this call, e.g. `2025.1` (overrides the client's). */
  readonly vocabRelease?: string | undefined
}

export interface ListVocabulariesOptions extends VocabularyReleaseOption, PageOptions {
  /** Accepted by the API but currently ignored there. */
  readonly includeStats?: boolean | undefined
  readonly includeInactive?: boolean | undefined
  readonly sortBy?: "name" | "priority" | "updated" | undefined
  readonly sortOrder?: "asc" | "desc" | undefined
}

export interface VocabularyConceptsOptions extends VocabularyReleaseOption, PageOptions {
  /** Text filter on the concepts' names and codes. */
  readonly search?: string | undefined
  /** `all` (server default) or one standard flag. */
  readonly standardConcept?: "S" | "C" | "N" | "all" | undefined
  readonly includeInvalid?: boolean | undefined
  readonly includeRelationships?: boolean | undefined
  readonly includeSynonyms?: boolean | undefined
  readonly sortBy?: "name" | "concept_id" | "concept_code" | undefined
  readonly sortOrder?: "asc" | "desc" | undefined
}

const optionalString = Schema.optional(Schema.NullOr(Schema.String))
const optionalNumber = Schema.optional(Schema.NullOr(Schema.Number))

/** One vocabulary of the catalogue (`SNOMED`, `ICD10CM`, `RxNorm`...) with its name and version. */
export const Vocabulary = openStruct({
  vocabulary_id: Schema.String,
  vocabulary_name: Schema.String,
  vocabulary_reference: optionalString,
  vocabulary_version: optionalString,
  vocabulary_concept_id: optionalNumber,
  created_at: optionalString,
  updated_at: optionalString,
})
export type Vocabulary = typeof Vocabulary.Type

const conceptCounts = {
  total_concepts: Schema.optional(Schema.Number),
  standard_concepts: Schema.optional(Schema.Number),
  classification_concepts: Schema.optional(Schema.Number),
  invalid_concepts: Schema.optional(Schema.Number),
  active_concepts: Schema.optional(Schema.Number),
}

/** A vocabulary's concept counts, validity dates and concept count per domain. */
export const VocabularyStats = openStruct({
  vocabulary_id: Schema.String,
  vocabulary_name: Schema.optional(Schema.String),
  ...conceptCounts,
  total_concepts: Schema.Number,
  valid_start_date: optionalString,
  valid_end_date: optionalString,
  last_updated: optionalString,
  domain_distribution: Schema.optional(
    Schema.Array(
      openStruct({
        domain_id: Schema.String,
        domain_name: Schema.optional(Schema.String),
        concept_count: Schema.Number,
      }),
    ),
  ),
})
export type VocabularyStats = typeof VocabularyStats.Type

/** Concept counts of one domain within one vocabulary (the API leaves this object loosely defined). */
export const VocabularyDomainStats = openStruct({
  vocabulary_id: Schema.optional(Schema.String),
  domain_id: Schema.optional(Schema.String),
  domain_name: Schema.optional(Schema.String),
  ...conceptCounts,
  concept_class_distribution: Schema.optional(
    Schema.Array(openStruct({ concept_class_id: Schema.String, concept_count: Schema.Number })),
  ),
})
export type VocabularyDomainStats = typeof VocabularyDomainStats.Type

/** An OMOP domain (`Condition`, `Drug`, `Measurement`...) as `vocabularies.domains` lists it. */
export const VocabularyDomain = openStruct({
  domain_id: Schema.String,
  domain_name: Schema.String,
  domain_concept_id: optionalNumber,
  description: optionalString,
})
export type VocabularyDomain = typeof VocabularyDomain.Type

/** A concept class (`Clinical Finding`, `Ingredient`...) as `vocabularies.conceptClasses` lists it. */
export const ConceptClass = openStruct({
  concept_class_id: Schema.String,
  concept_class_name: Schema.String,
  concept_class_concept_id: optionalNumber,
})
export type ConceptClass = typeof ConceptClass.Type

/** A list the API sends bare or wrapped under `key`; both decode, the caller sees the array. */
const listOrWrapped = <S extends Schema.Top>(key: string, item: S) => {
  const list = Schema.Array(item)
  return Schema.Union([list, openStruct({ [key]: list })])
}
const unwrap = <A>(
  data: ReadonlyArray<A> | Readonly<Record<string, unknown>>,
  key: string,
): ReadonlyArray<A> =>
  Array.isArray(data) ? data : ((data as Record<string, unknown>)[key] as ReadonlyArray<A>)

const releaseQuery = (check: Checker, options: unknown) => {
  const o = check.options("options", options, ["vocabRelease"])
  return { vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease) }
}

const resource = "vocabularies"

/** One page of `vocabularies.list`. */
export interface VocabularyList {
  /** The vocabularies on this page. */
  readonly vocabularies: ReadonlyArray<Vocabulary>
  readonly pagination?: Pagination | undefined
}

/** `GET /vocabularies`: the vocabulary catalogue (130+ entries; paged, up to 1000 per page). */
export const list = makeOperation({
  resource,
  name: "list",
  method: "GET",
  path: "/vocabularies",
  safeToReplay: true,
  pagination: "page",
  encode: (input: { readonly options?: ListVocabulariesOptions | undefined }, check) => {
    const o = check.options("options", input.options, [
      "includeStats",
      "includeInactive",
      "sortBy",
      "sortOrder",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      query: {
        includeStats: check.optionalBoolean("options.includeStats", o.includeStats),
        includeInactive: check.optionalBoolean("options.includeInactive", o.includeInactive),
        sortBy: check.optionalLiteral("options.sortBy", o.sortBy, ["name", "priority", "updated"]),
        sortOrder: check.optionalLiteral("options.sortOrder", o.sortOrder, ["asc", "desc"]),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: listOrWrapped("vocabularies", Vocabulary),
  output: (data, meta): VocabularyList => ({
    vocabularies: unwrap(data, "vocabularies"),
    pagination: meta.pagination,
  }),
  pageItems: (output: VocabularyList) => output.vocabularies,
})

/** `GET /vocabularies/{vocabulary_id}`: one vocabulary. */
export const get = makeOperation({
  resource,
  name: "get",
  method: "GET",
  path: "/vocabularies/{vocabulary_id}",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly vocabularyId: string; readonly options?: VocabularyReleaseOption | undefined },
    check,
  ) => ({
    path: { vocabulary_id: check.text("vocabularyId", input.vocabularyId) },
    query: releaseQuery(check, input.options),
  }),
  data: Vocabulary,
  output: (vocabulary) => vocabulary,
})

/** `GET /vocabularies/{vocabulary_id}/stats`: concept counts and the domain distribution. */
export const stats = makeOperation({
  resource,
  name: "stats",
  method: "GET",
  path: "/vocabularies/{vocabulary_id}/stats",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly vocabularyId: string; readonly options?: VocabularyReleaseOption | undefined },
    check,
  ) => ({
    path: { vocabulary_id: check.text("vocabularyId", input.vocabularyId) },
    query: releaseQuery(check, input.options),
  }),
  data: VocabularyStats,
  output: (result) => result,
})

/** `GET /vocabularies/{vocabulary_id}/stats/domains/{domain_id}`: counts for one domain of a vocabulary. */
export const domainStats = makeOperation({
  resource,
  name: "domainStats",
  method: "GET",
  path: "/vocabularies/{vocabulary_id}/stats/domains/{domain_id}",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly vocabularyId: string
      readonly domainId: string
      readonly options?: VocabularyReleaseOption | undefined
    },
    check,
  ) => ({
    path: {
      vocabulary_id: check.text("vocabularyId", input.vocabularyId),
      domain_id: check.text("domainId", input.domainId),
    },
    query: releaseQuery(check, input.options),
  }),
  data: VocabularyDomainStats,
  output: (result) => result,
})

/** `GET /vocabularies/domains`: every OMOP domain (not paged). */
export const domains = makeOperation({
  resource,
  name: "domains",
  method: "GET",
  path: "/vocabularies/domains",
  safeToReplay: true,
  pagination: "none",
  encode: (input: { readonly options?: VocabularyReleaseOption | undefined }, check) => ({
    query: releaseQuery(check, input.options),
  }),
  data: listOrWrapped("domains", VocabularyDomain),
  output: (data): { readonly domains: ReadonlyArray<VocabularyDomain> } => ({
    domains: unwrap(data, "domains"),
  }),
})

/** `GET /vocabularies/concept-classes`: every concept class, as an array (not paged). */
export const conceptClasses = makeOperation({
  resource,
  name: "conceptClasses",
  method: "GET",
  path: "/vocabularies/concept-classes",
  safeToReplay: true,
  pagination: "none",
  encode: (input: { readonly options?: VocabularyReleaseOption | undefined }, check) => ({
    query: releaseQuery(check, input.options),
  }),
  data: listOrWrapped("concept_classes", ConceptClass),
  output: (data): ReadonlyArray<ConceptClass> => unwrap(data, "concept_classes"),
})

/** One page of `vocabularies.concepts`. */
export interface VocabularyConcepts {
  /** The concepts on this page, as full rows. */
  readonly concepts: ReadonlyArray<Concept>
  readonly pagination?: Pagination | undefined
}

/** `GET /vocabularies/{vocabulary_id}/concepts`: the concepts of one vocabulary (paged, up to 1000). */
export const concepts = makeOperation({
  resource,
  name: "concepts",
  method: "GET",
  path: "/vocabularies/{vocabulary_id}/concepts",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly vocabularyId: string; readonly options?: VocabularyConceptsOptions | undefined },
    check,
  ) => {
    const vocabularyId = check.text("vocabularyId", input.vocabularyId)
    const o = check.options("options", input.options, [
      "search",
      "standardConcept",
      "includeInvalid",
      "includeRelationships",
      "includeSynonyms",
      "sortBy",
      "sortOrder",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      path: { vocabulary_id: vocabularyId },
      query: {
        search: check.optionalText("options.search", o.search),
        standardConcept: check.optionalLiteral("options.standardConcept", o.standardConcept, [
          "S",
          "C",
          "N",
          "all",
        ]),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        includeRelationships: check.optionalBoolean("options.includeRelationships", o.includeRelationships),
        includeSynonyms: check.optionalBoolean("options.includeSynonyms", o.includeSynonyms),
        sortBy: check.optionalLiteral("options.sortBy", o.sortBy, ["name", "concept_id", "concept_code"]),
        sortOrder: check.optionalLiteral("options.sortOrder", o.sortOrder, ["asc", "desc"]),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  // The API sends a bare array; a `{ concepts }` wrapper is accepted too.
  data: listOrWrapped("concepts", Concept),
  output: (data, meta): VocabularyConcepts => ({
    concepts: unwrap(data, "concepts"),
    pagination: meta.pagination,
  }),
  pageItems: (output: VocabularyConcepts) => output.concepts,
})

/** The vocabularies methods of both clients. */
export const methods = {
  list: method(list, 0, (_: [], options: ListVocabulariesOptions | undefined) => ({ options })),
  get: method(
    get,
    1,
    ([vocabularyId]: [vocabularyId: string], options: VocabularyReleaseOption | undefined) => ({
      vocabularyId,
      options,
    }),
  ),
  stats: method(
    stats,
    1,
    ([vocabularyId]: [vocabularyId: string], options: VocabularyReleaseOption | undefined) => ({
      vocabularyId,
      options,
    }),
  ),
  domainStats: method(
    domainStats,
    2,
    (
      [vocabularyId, domainId]: [vocabularyId: string, domainId: string],
      options: VocabularyReleaseOption | undefined,
    ) => ({ vocabularyId, domainId, options }),
  ),
  domains: method(domains, 0, (_: [], options: VocabularyReleaseOption | undefined) => ({ options })),
  conceptClasses: method(conceptClasses, 0, (_: [], options: VocabularyReleaseOption | undefined) => ({
    options,
  })),
  concepts: method(
    concepts,
    1,
    ([vocabularyId]: [vocabularyId: string], options: VocabularyConceptsOptions | undefined) => ({
      vocabularyId,
      options,
    }),
  ),
}
