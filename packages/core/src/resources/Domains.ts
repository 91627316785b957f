/**
 * Domains endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { ConceptSummary, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { type PageOptions, pageQuery } from "./PageQuery.ts"

/** Options of `domains.list`. */
export interface ListDomainsOptions {
  /** Adds `stats` (concept counts and distributions) to every domain. */
  readonly includeStats?: boolean | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

/** Options of `domains.concepts`: filters on the domain's concepts, and paging (up to 1000 per page). */
export interface DomainConceptsOptions extends PageOptions {
  /** Only concepts of these vocabularies. */
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  /** Only standard concepts. */
  readonly standardOnly?: boolean | undefined
  /** Also return invalid (deprecated or upgraded) concepts. */
  readonly includeInvalid?: boolean | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

const DomainStats = openStruct({
  total_concepts: Schema.optional(Schema.Number),
  standard_concepts: Schema.optional(Schema.Number),
  classification_concepts: Schema.optional(Schema.Number),
  vocabulary_distribution: Schema.optional(Schema.Unknown),
  concept_class_distribution: Schema.optional(Schema.Unknown),
  growth_trend: Schema.optional(Schema.Unknown),
  usage_frequency: Schema.optional(Schema.Unknown),
  relationship_density: Schema.optional(Schema.Unknown),
})
/** A domain's statistics (`includeStats`): concept counts and distributions, each present only when the server sent it. */
export type DomainStats = typeof DomainStats.Type

const WireDomain = openStruct({
  domain_id: Schema.String,
  domain_name: Schema.String,
  domain_concept_id: Schema.optional(Schema.NullOr(Schema.Number)),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  // The statistics block arrives as `stats` or `statistics`, and the category as a string or as
  // `{ category, description }`; the output keeps one form of each (see `Domain`).
  stats: Schema.optional(Schema.NullOr(DomainStats)),
  statistics: Schema.optional(Schema.NullOr(DomainStats)),
  category: Schema.optional(
    Schema.NullOr(
      Schema.Union([
        Schema.String,
        openStruct({ category: Schema.String, description: Schema.optional(Schema.NullOr(Schema.String)) }),
      ]),
    ),
  ),
})
type WireDomain = typeof WireDomain.Type

/** A domain, in one shape whatever form the API used. */
export interface Domain {
  readonly [key: string]: unknown
  readonly domain_id: string
  readonly domain_name: string
  readonly domain_concept_id?: number | null | undefined
  readonly description?: string | null | undefined
  /** With `includeStats` (also when the API named it `statistics`). */
  readonly stats?: DomainStats | undefined
  /** The category name (the API sends a string or `{ category, description }`). */
  readonly category?: string | undefined
  /** The category's description, when the API sent the object form with one. */
  readonly category_description?: string | undefined
}

const toDomain = (wire: WireDomain): Domain => {
  const { stats, statistics, category, ...rest } = wire
  const domain: Record<string, unknown> = { ...rest }
  const block = stats ?? statistics
  if (block !== undefined && block !== null) domain.stats = block
  if (typeof category === "string") domain.category = category
  else if (category !== undefined && category !== null) {
    domain.category = category.category
    if (typeof category.description === "string") domain.category_description = category.description
  }
  return domain as Domain
}

/** `GET /domains`: every domain, optionally with statistics (not paged). */
export const list = makeOperation({
  resource: "domains",
  name: "list",
  method: "GET",
  path: "/domains",
  safeToReplay: true,
  pagination: "none",
  encode: (input: { readonly options?: ListDomainsOptions | undefined }, check) => {
    const o = check.options("options", input.options, ["includeStats", "vocabRelease"])
    return {
      query: {
        includeStats: check.optionalBoolean("options.includeStats", o.includeStats),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: openStruct({ domains: Schema.Array(WireDomain) }),
  output: (data): { readonly domains: ReadonlyArray<Domain> } => ({ domains: data.domains.map(toDomain) }),
})

/** One page of `domains.concepts`. */
export interface DomainConcepts {
  /** The concepts on this page. */
  readonly concepts: ReadonlyArray<ConceptSummary>
  readonly pagination?: Pagination | undefined
}

/**
 * `GET /domains/{domain_id}/concepts`: the concepts of one domain (paged, up to 1000 per page).
 * An unknown domain gives an empty page, not an error.
 */
export const concepts = makeOperation({
  resource: "domains",
  name: "concepts",
  method: "GET",
  path: "/domains/{domain_id}/concepts",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly domainId: string; readonly options?: DomainConceptsOptions | undefined },
    check,
  ) => {
    const domainId = check.text("domainId", input.domainId)
    const o = check.options("options", input.options, [
      "vocabularyIds",
      "standardOnly",
      "includeInvalid",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      path: { domain_id: domainId },
      query: {
        vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
        standardOnly: check.optionalBoolean("options.standardOnly", o.standardOnly),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: openStruct({ concepts: Schema.Array(ConceptSummary) }),
  output: (data, meta): DomainConcepts => ({ concepts: data.concepts, pagination: meta.pagination }),
  pageItems: (output: DomainConcepts) => output.concepts,
})

/** The domains methods of both clients. */
export const methods = {
  list: method(list, 0, (_: [], options: ListDomainsOptions | undefined) => ({ options })),
  concepts: method(
    concepts,
    1,
    ([domainId]: [domainId: string], options: DomainConceptsOptions | undefined) => ({ domainId, options }),
  ),
}
