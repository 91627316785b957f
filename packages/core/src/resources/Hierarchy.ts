/**
 * Hierarchy endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * The API's hierarchy payloads drift between sources (summary named `summary` or
 * `hierarchy_summary`, `unique_vocabularies` a count or a list, totals at the top or only in the
 * summary); the outputs here always have one shape.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { conceptSummaryFields, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { type PageOptions, pageQuery } from "./PageQuery.ts"
import type { Checker } from "./Validate.ts"

/** The server's cap on `max_levels`. */
export const maxHierarchyLevels = 20
const maxRelationshipTypes = 20

interface HierarchyFilterOptions {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  /**
   * Levels to walk, 1 to 20. Above 20 is a `ValidationError` before any request (the API caps at
   * 20; this SDK does not clamp silently).
   */
  readonly maxLevels?: number | undefined
  /** Relationships to follow (server default `Is a`), e.g. `Is a`, `Part of`, `Has ingredient`; at most 20. */
  readonly relationshipTypes?: ReadonlyArray<string> | undefined
  readonly includeInvalid?: boolean | undefined
  readonly vocabRelease?: string | undefined
}

/** Options of `hierarchy.get`: the walk's filters and depth, the output format, and a size cap. */
export interface HierarchyOptions extends HierarchyFilterOptions {
  /** `flat` (server default): ancestors and descendants lists; `graph`: nodes and edges. */
  readonly format?: "flat" | "graph" | undefined
  /** At most this many ancestors and this many descendants. */
  readonly maxResults?: number | undefined
}

/** Options of `hierarchy.ancestors` (and `hierarchy.descendants`): the walk's filters and depth, extra node fields, and paging. */
export interface AncestorsOptions extends HierarchyFilterOptions, PageOptions {
  /** Adds `path_length` to each node. */
  readonly includePaths?: boolean | undefined
  /** Adds `hierarchy_level` to each node. */
  readonly includeDistance?: boolean | undefined
}

/** Options of `hierarchy.descendants`: the same as `AncestorsOptions`. */
export type DescendantsOptions = AncestorsOptions

const filterKeys = [
  "vocabularyIds",
  "domainIds",
  "maxLevels",
  "relationshipTypes",
  "includeInvalid",
  "vocabRelease",
] as const

const filterQuery = (check: Checker, o: Partial<Record<(typeof filterKeys)[number], unknown>>) => {
  const relationshipTypes = check.optionalTextList("options.relationshipTypes", o.relationshipTypes)
  if (relationshipTypes !== undefined && relationshipTypes.length > maxRelationshipTypes) {
    check.report("options.relationshipTypes", `must hold at most ${maxRelationshipTypes} relationship ids`)
  }
  return {
    vocabularyIds: check.optionalTextList("options.vocabularyIds", o.vocabularyIds),
    domainIds: check.optionalTextList("options.domainIds", o.domainIds),
    maxLevels: check.optionalInteger("options.maxLevels", o.maxLevels, 1, maxHierarchyLevels),
    relationshipTypes,
    includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
    vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
  }
}

const optionalNumber = Schema.optional(Schema.NullOr(Schema.Number))
const optionalString = Schema.optional(Schema.NullOr(Schema.String))

/** An ancestor or descendant. */
export const HierarchyNode = openStruct({
  ...conceptSummaryFields,
  valid_start_date: optionalString,
  valid_end_date: optionalString,
  invalid_reason: optionalString,
  level: optionalNumber,
  min_levels_of_separation: optionalNumber,
  max_levels_of_separation: optionalNumber,
  hierarchy_level: optionalNumber,
  path_length: optionalNumber,
  vocabulary_name: optionalString,
  relationship_id: optionalString,
  relationship_name: optionalString,
})
export type HierarchyNode = typeof HierarchyNode.Type

const WireSummary = openStruct({
  total_ancestors: Schema.optional(Schema.Number),
  total_descendants: Schema.optional(Schema.Number),
  max_hierarchy_depth: Schema.optional(Schema.Number),
  unique_vocabularies: Schema.optional(Schema.Union([Schema.Number, Schema.Array(Schema.String)])),
  relationship_types_used: Schema.optional(Schema.Array(Schema.String)),
  classification_count: Schema.optional(Schema.Number),
})
type WireSummary = typeof WireSummary.Type

/** Hierarchy statistics, in one shape. */
export interface HierarchySummary {
  readonly [key: string]: unknown
  readonly total_ancestors?: number | undefined
  readonly total_descendants?: number | undefined
  readonly max_hierarchy_depth?: number | undefined
  /** The vocabularies involved, when the API listed them (some versions send only a count). */
  readonly unique_vocabularies?: ReadonlyArray<string> | undefined
  /** How many vocabularies are involved (the list's length, or the count the API sent). */
  readonly unique_vocabulary_count?: number | undefined
  readonly relationship_types_used?: ReadonlyArray<string> | undefined
  readonly classification_count?: number | undefined
}

const toSummary = (wire: WireSummary | null | undefined): HierarchySummary | undefined => {
  if (wire === undefined || wire === null) return undefined
  const { unique_vocabularies, ...rest } = wire
  if (unique_vocabularies === undefined) return rest
  return typeof unique_vocabularies === "number"
    ? { ...rest, unique_vocabulary_count: unique_vocabularies }
    : { ...rest, unique_vocabularies, unique_vocabulary_count: unique_vocabularies.length }
}

// Both spellings of the summary are read; outputs expose it as `hierarchy_summary`.
const summaryFields = {
  hierarchy_summary: Schema.optional(Schema.NullOr(WireSummary)),
  summary: Schema.optional(Schema.NullOr(WireSummary)),
}
const pickSummary = (data: {
  readonly hierarchy_summary?: WireSummary | null | undefined
  readonly summary?: WireSummary | null | undefined
}) => toSummary(data.hierarchy_summary ?? data.summary)

const conceptHeader = {
  concept_id: Schema.optional(Schema.Number),
  concept_name: Schema.optional(Schema.String),
  vocabulary_id: Schema.optional(Schema.String),
}

const FlatData = openStruct({
  ...conceptHeader,
  ancestors: Schema.optional(Schema.Array(HierarchyNode)),
  descendants: Schema.optional(Schema.Array(HierarchyNode)),
  total_ancestors: Schema.optional(Schema.Number),
  total_descendants: Schema.optional(Schema.Number),
  ...summaryFields,
})
type FlatData = typeof FlatData.Type

const GraphData = openStruct({
  nodes: Schema.Array(HierarchyNode),
  edges: Schema.Array(
    openStruct({ source: Schema.Number, target: Schema.Number, relationship_id: optionalString }),
  ),
})
type GraphData = typeof GraphData.Type

/** `format: "flat"`: both directions with their totals. */
export interface FlatHierarchy {
  readonly format: "flat"
  readonly concept_id?: number | undefined
  readonly concept_name?: string | undefined
  readonly vocabulary_id?: string | undefined
  readonly ancestors: ReadonlyArray<HierarchyNode>
  readonly descendants: ReadonlyArray<HierarchyNode>
  /** From the API (top level or summary); the list's length when it sent neither. */
  readonly total_ancestors: number
  readonly total_descendants: number
  readonly hierarchy_summary?: HierarchySummary | undefined
}

/** `format: "graph"`: the concept, its ancestors and descendants as nodes, with `Is a` edges. */
export interface GraphHierarchy {
  readonly format: "graph"
  readonly nodes: ReadonlyArray<HierarchyNode>
  readonly edges: GraphData["edges"]
}

const isGraph = (data: FlatData | GraphData): data is GraphData =>
  Array.isArray((data as { nodes?: unknown }).nodes) && Array.isArray((data as { edges?: unknown }).edges)

const toFlat = (data: FlatData): FlatHierarchy => {
  const summary = pickSummary(data)
  const ancestors = data.ancestors ?? []
  const descendants = data.descendants ?? []
  return {
    format: "flat",
    concept_id: data.concept_id,
    concept_name: data.concept_name,
    vocabulary_id: data.vocabulary_id,
    ancestors,
    descendants,
    total_ancestors: data.total_ancestors ?? summary?.total_ancestors ?? ancestors.length,
    total_descendants: data.total_descendants ?? summary?.total_descendants ?? descendants.length,
    hierarchy_summary: summary,
  }
}

/** `GET /concepts/{concept_id}/hierarchy`: ancestors and descendants at once. */
export const get = makeOperation({
  resource: "hierarchy",
  name: "get",
  method: "GET",
  path: "/concepts/{concept_id}/hierarchy",
  safeToReplay: true,
  pagination: "none",
  encode: (input: { readonly conceptId: number; readonly options?: HierarchyOptions | undefined }, check) => {
    const conceptId = check.conceptId("conceptId", input.conceptId)
    const o = check.options("options", input.options, [...filterKeys, "format", "maxResults"])
    return {
      path: { concept_id: conceptId },
      query: {
        format: check.optionalLiteral("options.format", o.format, ["flat", "graph"]),
        ...filterQuery(check, o),
        maxResults: check.optionalInteger("options.maxResults", o.maxResults, 1, Number.MAX_SAFE_INTEGER),
      },
    }
  },
  data: Schema.Union([GraphData, FlatData]),
  output: (data): FlatHierarchy | GraphHierarchy =>
    isGraph(data) ? { format: "graph", nodes: data.nodes, edges: data.edges } : toFlat(data),
})

/** One page of `hierarchy.ancestors`: the queried concept (as far as the server echoes it) and its ancestors. */
export interface Ancestors {
  readonly concept_id?: number | undefined
  readonly concept_name?: string | undefined
  readonly vocabulary_id?: string | undefined
  /** The ancestors on this page, nearest first. */
  readonly ancestors: ReadonlyArray<HierarchyNode>
  readonly hierarchy_summary?: HierarchySummary | undefined
  readonly pagination?: Pagination | undefined
}

/** One page of `hierarchy.descendants`: the queried concept (as far as the server echoes it) and its descendants. */
export interface Descendants {
  readonly concept_id?: number | undefined
  readonly concept_name?: string | undefined
  readonly vocabulary_id?: string | undefined
  /** The descendants on this page, nearest first. */
  readonly descendants: ReadonlyArray<HierarchyNode>
  readonly hierarchy_summary?: HierarchySummary | undefined
  readonly pagination?: Pagination | undefined
}

const directionKeys = [...filterKeys, "includePaths", "includeDistance", "page", "pageSize"] as const

const encodeDirection = (
  input: { readonly conceptId: number; readonly options?: AncestorsOptions | undefined },
  check: Checker,
) => {
  const conceptId = check.conceptId("conceptId", input.conceptId)
  const o = check.options("options", input.options, directionKeys)
  return {
    path: { concept_id: conceptId },
    query: {
      ...filterQuery(check, o),
      includePaths: check.optionalBoolean("options.includePaths", o.includePaths),
      includeDistance: check.optionalBoolean("options.includeDistance", o.includeDistance),
      ...pageQuery(check, o, 1000),
    },
  }
}

const AncestorsData = openStruct({
  ...conceptHeader,
  ancestors: Schema.Array(HierarchyNode),
  ...summaryFields,
})
const DescendantsData = openStruct({
  ...conceptHeader,
  descendants: Schema.Array(HierarchyNode),
  ...summaryFields,
})

/** `GET /concepts/{concept_id}/ancestors`: the concept's ancestors, nearest first (paged, up to 1000). */
export const ancestors = makeOperation({
  resource: "hierarchy",
  name: "ancestors",
  method: "GET",
  path: "/concepts/{concept_id}/ancestors",
  safeToReplay: true,
  pagination: "page",
  encode: encodeDirection,
  data: AncestorsData,
  output: (data, meta): Ancestors => ({
    concept_id: data.concept_id,
    concept_name: data.concept_name,
    vocabulary_id: data.vocabulary_id,
    ancestors: data.ancestors,
    hierarchy_summary: pickSummary(data),
    pagination: meta.pagination,
  }),
  pageItems: (output: Ancestors) => output.ancestors,
})

/** `GET /concepts/{concept_id}/descendants`: the concept's descendants, nearest first (paged, up to 1000). */
export const descendants = makeOperation({
  resource: "hierarchy",
  name: "descendants",
  method: "GET",
  path: "/concepts/{concept_id}/descendants",
  safeToReplay: true,
  pagination: "page",
  encode: encodeDirection,
  data: DescendantsData,
  output: (data, meta): Descendants => ({
    concept_id: data.concept_id,
    concept_name: data.concept_name,
    vocabulary_id: data.vocabulary_id,
    descendants: data.descendants,
    hierarchy_summary: pickSummary(data),
    pagination: meta.pagination,
  }),
  pageItems: (output: Descendants) => output.descendants,
})

/** The hierarchy methods of both clients. */
export const methods = {
  get: method(get, 1, ([conceptId]: [conceptId: number], options: HierarchyOptions | undefined) => ({
    conceptId,
    options,
  })),
  ancestors: method(
    ancestors,
    1,
    ([conceptId]: [conceptId: number], options: AncestorsOptions | undefined) => ({ conceptId, options }),
  ),
  descendants: method(
    descendants,
    1,
    ([conceptId]: [conceptId: number], options: DescendantsOptions | undefined) => ({ conceptId, options }),
  ),
}
