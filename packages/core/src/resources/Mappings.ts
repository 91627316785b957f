/**
 * Mappings endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Mapping, openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { pageQuery } from "./PageQuery.ts"

/** Options of `mappings.get`: which mappings to return, and paging. */
export interface GetMappingsOptions {
  /** Only mappings into this vocabulary, e.g. `ICD10CM`. */
  readonly targetVocabulary?: string | undefined
  /** Sent whenever given (the server's default has drifted). */
  readonly includeInvalid?: boolean | undefined
  /** Server default `["Maps to"]`; add `Maps to value` for value-as-concept decomposition. */
  readonly relationshipIds?: ReadonlyArray<string> | undefined
  /** 1-based. */
  readonly page?: number | undefined
  /** 1 to 1000; the live server clamps to 200 (check `pagination.page_size`). */
  readonly pageSize?: number | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

const MappingSummary = openStruct({
  total_mappings: Schema.optional(Schema.Number),
  target_vocabularies: Schema.optional(Schema.Array(Schema.String)),
})
const MappingList = Schema.Array(Mapping)
// The canonical `{ mappings, summary? }`, the MCP-era `{ source_concept, mappings, total_mappings }`
// (same key, extra fields kept), or a bare array of rows.
const GetMappingsData = Schema.Union([
  openStruct({ mappings: MappingList, summary: Schema.optional(Schema.NullOr(MappingSummary)) }),
  MappingList,
])

/** One page of `mappings.get`. */
export interface GetMappingsResult {
  /** The mapping rows on this page. */
  readonly mappings: ReadonlyArray<Mapping>
  /** Totals and target vocabularies, when the server sent them. */
  readonly summary?: typeof MappingSummary.Type | undefined
  readonly pagination?: Pagination | undefined
}

/** `GET /concepts/{concept_id}/mappings`: the concept's mappings (paged). */
export const get = makeOperation({
  resource: "mappings",
  name: "get",
  method: "GET",
  path: "/concepts/{concept_id}/mappings",
  safeToReplay: true,
  pagination: "page",
  encode: (
    input: { readonly conceptId: number; readonly options?: GetMappingsOptions | undefined },
    check,
  ) => {
    const conceptId = check.conceptId("conceptId", input.conceptId)
    const o = check.options("options", input.options, [
      "targetVocabulary",
      "includeInvalid",
      "relationshipIds",
      "page",
      "pageSize",
      "vocabRelease",
    ])
    return {
      path: { concept_id: conceptId },
      query: {
        targetVocabulary: check.optionalText("options.targetVocabulary", o.targetVocabulary),
        includeInvalid: check.optionalBoolean("options.includeInvalid", o.includeInvalid),
        relationshipIds: check.optionalTextList("options.relationshipIds", o.relationshipIds),
        ...pageQuery(check, o, 1000),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: GetMappingsData,
  output: (data, meta): GetMappingsResult =>
    Array.isArray(data)
      ? { mappings: data, pagination: meta.pagination }
      : {
          mappings: (data as { readonly mappings: typeof MappingList.Type }).mappings,
          summary: (data as { readonly summary?: typeof MappingSummary.Type | null }).summary ?? undefined,
          pagination: meta.pagination,
        },
  pageItems: (output) => output.mappings,
})

/** A native code to map: its vocabulary and its code in that vocabulary. */
export interface SourceCode {
  readonly vocabularyId: string
  readonly conceptCode: string
}

/** What `mappings.map` maps: the sources (concept ids or native codes) and the target vocabulary. */
export interface MapConceptsRequest {
  /** Target vocabulary id, e.g. `SNOMED`. */
  readonly targetVocabulary: string
  /** OMOP concept ids to map; give exactly one of `sourceConcepts` and `sourceCodes`. */
  readonly sourceConcepts?: ReadonlyArray<number> | undefined
  /** Native codes to map; give exactly one of `sourceConcepts` and `sourceCodes`. */
  readonly sourceCodes?: ReadonlyArray<SourceCode> | undefined
  /** The kind of mapping to ask for, sent as `mapping_type`. */
  readonly mappingType?: "direct" | "equivalent" | "broader" | "narrower" | undefined
  /** Also map to invalid (deprecated or upgraded) concepts. */
  readonly includeInvalid?: boolean | undefined
  /** Sent as the `vocab_release` query parameter (not in the body), like every official SDK. */
  readonly vocabRelease?: string | undefined
}

/**
 * The most sources one `mappings.map` call sends. The API documents no cap; this guard keeps one
 * request bounded. More is a `ValidationError` (nothing is cut); split the sources across calls.
 */
export const mapLimit = 1000

const FailedMapping = openStruct({
  source_concept_id: Schema.optional(Schema.Number),
  source_code: Schema.optional(openStruct({ vocabulary_id: Schema.String, concept_code: Schema.String })),
  reason: Schema.optional(Schema.NullOr(Schema.String)),
})
const MapSummary = openStruct({
  total_source_concepts: Schema.optional(Schema.Number),
  total_mappings: Schema.optional(Schema.Number),
  mapped_concepts: Schema.optional(Schema.Number),
  unmapped_concepts: Schema.optional(Schema.Number),
})
const MapData = openStruct({
  mappings: MappingList,
  failed_mappings: Schema.optional(Schema.NullOr(Schema.Array(FailedMapping))),
  summary: Schema.optional(Schema.NullOr(MapSummary)),
})

/** What `mappings.map` returns: the mappings found, and the sources that had none. */
export interface MapConceptsResult {
  /** The mapping rows found, for every source together. */
  readonly mappings: ReadonlyArray<Mapping>
  /** Sources that could not be mapped (unknown, or no mapping into the target vocabulary). */
  readonly failed_mappings: ReadonlyArray<typeof FailedMapping.Type>
  /** Counts of sources and mappings, when the server sent them. */
  readonly summary?: typeof MapSummary.Type | undefined
}

const mappingTypes = ["direct", "equivalent", "broader", "narrower"] as const

/**
 * `POST /concepts/map`: maps concepts or native codes into a target vocabulary. Exactly one of
 * `sourceConcepts` / `sourceCodes`, non-empty, at most {@link mapLimit} (else a `ValidationError`).
 */
export const map = makeOperation({
  resource: "mappings",
  name: "map",
  method: "POST",
  path: "/concepts/map",
  safeToReplay: true,
  pagination: "none",
  encode: (input: MapConceptsRequest | undefined, check) => {
    const r = check.options("request", input, [
      "targetVocabulary",
      "sourceConcepts",
      "sourceCodes",
      "mappingType",
      "includeInvalid",
      "vocabRelease",
    ])
    const targetVocabulary = check.text("request.targetVocabulary", r.targetVocabulary)
    const hasConcepts = r.sourceConcepts !== undefined && r.sourceConcepts !== null
    const hasCodes = r.sourceCodes !== undefined && r.sourceCodes !== null
    if (hasConcepts === hasCodes) {
      check.report(
        "request",
        hasConcepts
          ? "must give only one of sourceConcepts and sourceCodes"
          : "must give one of sourceConcepts and sourceCodes",
      )
    }
    const sourceConcepts = hasConcepts
      ? check.conceptIdList("request.sourceConcepts", r.sourceConcepts, 1, mapLimit)
      : undefined
    const sourceCodes = hasCodes
      ? check.list("request.sourceCodes", r.sourceCodes, 1, mapLimit).map((item, index) => {
          const path = `request.sourceCodes[${index}]`
          if (typeof item !== "object" || item === null) {
            check.report(path, "must be an object with vocabularyId and conceptCode")
            return undefined
          }
          const code = check.options(path, item, ["vocabularyId", "conceptCode"])
          return {
            vocabulary_id: check.text(`${path}.vocabularyId`, code.vocabularyId),
            concept_code: check.text(`${path}.conceptCode`, code.conceptCode),
          }
        })
      : undefined
    return {
      query: { vocabRelease: check.optionalText("request.vocabRelease", r.vocabRelease) },
      body: {
        target_vocabulary: targetVocabulary,
        source_concepts: sourceConcepts,
        source_codes: sourceCodes,
        mapping_type: check.optionalLiteral("request.mappingType", r.mappingType, mappingTypes),
        include_invalid: check.optionalBoolean("request.includeInvalid", r.includeInvalid),
      },
    }
  },
  data: MapData,
  output: (data): MapConceptsResult => ({
    mappings: data.mappings,
    failed_mappings: data.failed_mappings ?? [],
    summary: data.summary ?? undefined,
  }),
})

/** The mappings methods of both clients. */
export const methods = {
  get: method(get, 1, ([conceptId]: [conceptId: number], options: GetMappingsOptions | undefined) => ({
    conceptId,
    options,
  })),
  /** `map(request)`: the request object is the trailing options argument. */
  map: method(map, 0, (_args: [], request: MapConceptsRequest | undefined) => request),
}
