/**
 * FHIR Concept Resolver endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 * All three are POSTs that only read, so they are safe to replay.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { type FhirCodeableConcept, type FhirCodingInput, toWireCoding, type WireCoding } from "./FhirTypes.ts"
import { openStruct } from "./Models.ts"
import { makeOperation, method } from "./Operation.ts"
import type { Checker } from "./Validate.ts"

/** The FHIR resource types the resolver documents (others are passed through to the server). */
export type FhirResourceType =
  | "Condition"
  | "Observation"
  | "MedicationStatement"
  | "MedicationRequest"
  | "MedicationAdministration"
  | "Immunization"
  | "Procedure"
  | "AllergyIntolerance"
  | "DiagnosticReport"

/** Options of `fhir.resolve` and `fhir.resolveBatch`: context for the mapping and what to add to each resolution. */
export interface FhirResolveOptions {
  /** The resource the coding comes from; checks the domain fits (`domain_resource_alignment`). */
  readonly resourceType?: FhirResourceType | (string & {}) | undefined
  /** Adds `recommendations` (at most `recommendationsLimit`) to the resolution. */
  readonly includeRecommendations?: boolean | undefined
  /** 1 to 20 (server default 5). */
  readonly recommendationsLimit?: number | undefined
  /** Adds `mapping_quality` and `quality_note`. */
  readonly includeQuality?: boolean | undefined
  /** `error` (default): an unmappable coding fails with 404; `sentinel`: it resolves to concept 0. */
  readonly onUnmapped?: "error" | "sentinel" | undefined
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

/** Options of `fhir.resolveCodeableConcept`: those of `fhir.resolve`, plus free text to fall back on. */
export interface FhirCodeableConceptOptions extends FhirResolveOptions {
  /** Free text resolved semantically when no coding resolves (alternative to `CodeableConcept.text`). */
  readonly text?: string | undefined
}

const resolveOptionKeys = [
  "resourceType",
  "includeRecommendations",
  "recommendationsLimit",
  "includeQuality",
  "onUnmapped",
  "vocabRelease",
] as const

/** Reads the shared options into the snake_case body fields; `vocabRelease` goes in the query. */
const encodeResolveOptions = (check: Checker, o: Partial<Record<string, unknown>>) => ({
  body: {
    resource_type: check.optionalText("options.resourceType", o.resourceType),
    include_recommendations: check.optionalBoolean(
      "options.includeRecommendations",
      o.includeRecommendations,
    ),
    recommendations_limit: check.optionalInteger(
      "options.recommendationsLimit",
      o.recommendationsLimit,
      1,
      20,
    ),
    include_quality: check.optionalBoolean("options.includeQuality", o.includeQuality),
    on_unmapped: check.optionalLiteral("options.onUnmapped", o.onUnmapped, ["error", "sentinel"]),
  },
  query: { vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease) },
})

/** Options put inside a coding would otherwise be ignored as unknown coding fields: say so. */
const rejectOptionsInCoding = (check: Checker, path: string, coding: unknown) => {
  if (typeof coding !== "object" || coding === null) return
  for (const key of resolveOptionKeys) {
    if (key in coding) check.report(`${path}.${key}`, "is an option: pass it in the options argument")
  }
}

const maxBatchCodings = 100
const maxCodeableConceptCodings = 20

// ---------------------------------------------------------------------------------------------
// Response schemas

const optionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A concept as the resolver reports it. */
export const FhirConcept = openStruct({
  concept_id: Schema.Number,
  concept_name: Schema.String,
  concept_code: Schema.String,
  vocabulary_id: Schema.String,
  domain_id: Schema.optional(Schema.String),
  concept_class_id: Schema.optional(Schema.String),
  standard_concept: optionalString,
})
export type FhirConcept = typeof FhirConcept.Type

const FhirRecommendation = openStruct({
  concept_id: Schema.Number,
  concept_name: Schema.String,
  vocabulary_id: Schema.optional(Schema.String),
  domain_id: Schema.optional(Schema.String),
  concept_class_id: Schema.optional(Schema.String),
  standard_concept: optionalString,
  relationship_id: Schema.optional(Schema.String),
  relationship_type: Schema.optional(Schema.String),
  similarity_score: Schema.optional(Schema.Number),
})

/** How one coding maps to OMOP. */
export const FhirResolution = openStruct({
  /** The source vocabulary (null when only `display` was given). */
  vocabulary_id: optionalString,
  source_concept: FhirConcept,
  standard_concept: FhirConcept,
  /** `direct`, `mapped` (via `Maps to`), `semantic_match`, ... */
  mapping_type: Schema.String,
  relationship_id: Schema.optional(Schema.String),
  /** The CDM table the standard concept belongs in, e.g. `condition_occurrence`. */
  target_table: optionalString,
  domain_resource_alignment: Schema.optional(Schema.String),
  alignment_note: optionalString,
  similarity_score: Schema.optional(Schema.Number),
  mapping_quality: optionalString,
  quality_note: optionalString,
  alternative_standard_concepts: Schema.optional(Schema.Array(FhirConcept)),
  recommendations: Schema.optional(Schema.Array(FhirRecommendation)),
  value_as_concept: Schema.optional(Schema.NullOr(FhirConcept)),
  value_target_field: optionalString,
  concept_map_id: optionalString,
  mapping_note: optionalString,
})
export type FhirResolution = typeof FhirResolution.Type

const Echo = Schema.Record(Schema.String, Schema.Unknown)

/** One resolved coding: the echoed input and its resolution. */
export const FhirResolveResult = openStruct({
  input: Schema.optional(Echo),
  resolution: FhirResolution,
})
export type FhirResolveResult = typeof FhirResolveResult.Type

// A failure arrives as a plain string or as `{ code, message }`.
const WireFailure = Schema.Union([
  Schema.String,
  openStruct({ code: Schema.optional(Schema.String), message: Schema.optional(Schema.String) }),
])
const FailedItem = openStruct({ input: Schema.optional(Echo), error: WireFailure })
type FailedItem = typeof FailedItem.Type

/** Why a coding did not resolve; `code` is null when the server sent only a message. */
export interface FhirResolveError {
  readonly code: string | null
  readonly message: string
}

/** A coding that did not resolve (batch `results` and CodeableConcept `unresolved`). */
export interface FhirResolveFailure {
  readonly input?: Readonly<Record<string, unknown>> | undefined
  readonly error: FhirResolveError
  /** Always absent: lets `item.resolution !== undefined` tell results from failures. */
  readonly resolution?: undefined
}

const toFailure = (item: FailedItem): FhirResolveFailure => {
  const error = item.error
  if (typeof error === "string") return { input: item.input, error: { code: null, message: error } }
  const code = error.code ?? null
  return { input: item.input, error: { code, message: error.message ?? code ?? "Resolution failed" } }
}

/** True when a batch item resolved. */
export const isFhirResolved = (item: FhirResolveResult | FhirResolveFailure): item is FhirResolveResult =>
  item.resolution !== undefined

// ---------------------------------------------------------------------------------------------
// Operations

/** `POST /fhir/resolve`: one coding to its OMOP source and standard concepts and CDM table. */
export const resolve = makeOperation({
  resource: "fhir",
  name: "resolve",
  method: "POST",
  path: "/fhir/resolve",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly coding: FhirCodingInput; readonly options?: FhirResolveOptions | undefined },
    check,
  ) => {
    rejectOptionsInCoding(check, "coding", input.coding)
    const coding = toWireCoding(check, "coding", input.coding)
    const options = encodeResolveOptions(check, check.options("options", input.options, resolveOptionKeys))
    return { body: { ...coding, ...options.body }, query: options.query }
  },
  data: FhirResolveResult,
  output: (result): FhirResolveResult => result,
})

const BatchData = openStruct({
  results: Schema.Array(Schema.Union([FhirResolveResult, FailedItem])),
  summary: Schema.optional(
    openStruct({ total: Schema.Number, resolved: Schema.Number, failed: Schema.Number }),
  ),
})

/** What `fhir.resolveBatch` returns; tell the entries apart with `isFhirResolved`. */
export interface FhirBatchResult {
  /** One entry per input coding, in order. */
  readonly results: ReadonlyArray<FhirResolveResult | FhirResolveFailure>
  /** `total = resolved + failed`; computed from `results` when the server sends no summary. */
  readonly summary: { readonly total: number; readonly resolved: number; readonly failed: number }
}

/** `POST /fhir/resolve/batch`: 1 to 100 codings; each resolves or fails on its own. */
export const resolveBatch = makeOperation({
  resource: "fhir",
  name: "resolveBatch",
  method: "POST",
  path: "/fhir/resolve/batch",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly codings: ReadonlyArray<FhirCodingInput>
      readonly options?: FhirResolveOptions | undefined
    },
    check,
  ) => {
    const codings: Array<WireCoding> = []
    if (!Array.isArray(input.codings)) check.report("codings", "must be an array of codings")
    else if (input.codings.length < 1 || input.codings.length > maxBatchCodings) {
      check.report("codings", `must hold 1 to ${maxBatchCodings} codings (got ${input.codings.length})`)
    } else {
      // Array.from: a hole in a sparse array must be reported, not skipped.
      Array.from(input.codings as ReadonlyArray<unknown>).forEach((coding: unknown, index) => {
        rejectOptionsInCoding(check, `codings[${index}]`, coding)
        codings.push(toWireCoding(check, `codings[${index}]`, coding))
      })
    }
    const options = encodeResolveOptions(check, check.options("options", input.options, resolveOptionKeys))
    return { body: { codings, ...options.body }, query: options.query }
  },
  data: BatchData,
  output: (data): FhirBatchResult => {
    const results = data.results.map((item) =>
      "resolution" in item && item.resolution !== undefined
        ? (item as FhirResolveResult)
        : toFailure(item as FailedItem),
    )
    const resolved = results.filter(isFhirResolved).length
    return {
      results,
      summary: data.summary ?? { total: results.length, resolved, failed: results.length - resolved },
    }
  },
})

const CodeableConceptData = openStruct({
  input: Schema.optional(Echo),
  best_match: Schema.optional(Schema.NullOr(FhirResolveResult)),
  alternatives: Schema.optional(Schema.Array(FhirResolveResult)),
  unresolved: Schema.optional(Schema.Array(FailedItem)),
})

/** What `fhir.resolveCodeableConcept` returns: the best match, the other resolutions, and the codings that failed. */
export interface FhirCodeableConceptResult {
  /** The CodeableConcept as the server echoed it, when it did. */
  readonly input?: Readonly<Record<string, unknown>> | undefined
  /** The preferred resolution (a `userSelected` coding, else SNOMED > RxNorm > LOINC > CVX > ICD-10 > others). */
  readonly best_match: FhirResolveResult | null
  /** The other codings that resolved. */
  readonly alternatives: ReadonlyArray<FhirResolveResult>
  /** The codings that did not resolve, with why. */
  readonly unresolved: ReadonlyArray<FhirResolveFailure>
}

/**
 * `POST /fhir/resolve/codeable-concept`: 1 to 20 codings (or only `text`) to the best OMOP match.
 * Takes an array of codings or a CodeableConcept `{ coding, text }`; `text` may also be given as an
 * option, but not in both places with different values.
 */
export const resolveCodeableConcept = makeOperation({
  resource: "fhir",
  name: "resolveCodeableConcept",
  method: "POST",
  path: "/fhir/resolve/codeable-concept",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: {
      readonly codeableConcept: ReadonlyArray<FhirCodingInput> | FhirCodeableConcept
      readonly options?: FhirCodeableConceptOptions | undefined
    },
    check,
  ) => {
    const o = check.options("options", input.options, [...resolveOptionKeys, "text"])
    const value: unknown = input.codeableConcept
    let list: unknown = []
    let path = "codeableConcept"
    let conceptText: unknown
    if (Array.isArray(value)) list = value
    else if (typeof value === "object" && value !== null) {
      const concept = value as Record<string, unknown>
      list = concept.coding ?? []
      path = "codeableConcept.coding"
      // A CodeableConcept from a FHIR library may carry `text: ""`; that means no text.
      conceptText = concept.text === "" ? undefined : (concept.text ?? undefined)
    } else check.report(path, "must be an array of codings or a CodeableConcept { coding, text }")

    const optionText = check.optionalText("options.text", o.text)
    const ownText = check.optionalText("codeableConcept.text", conceptText)
    if (optionText !== undefined && ownText !== undefined && optionText !== ownText) {
      check.report("options.text", "conflicts with codeableConcept.text: give the text in one place")
    }
    const text = optionText ?? ownText

    const coding: Array<WireCoding> = []
    if (!Array.isArray(list)) check.report(path, "must be an array of codings")
    else if (list.length > maxCodeableConceptCodings || (list.length === 0 && text === undefined)) {
      check.report(
        path,
        `must hold 1 to ${maxCodeableConceptCodings} codings, or none when text is given (got ${list.length})`,
      )
    } else {
      Array.from(list as ReadonlyArray<unknown>).forEach((item: unknown, index) => {
        rejectOptionsInCoding(check, `${path}[${index}]`, item)
        coding.push(toWireCoding(check, `${path}[${index}]`, item))
      })
    }
    const options = encodeResolveOptions(check, o)
    return {
      body: { ...(coding.length === 0 ? {} : { coding }), text, ...options.body },
      query: options.query,
    }
  },
  data: CodeableConceptData,
  output: (data): FhirCodeableConceptResult => ({
    input: data.input,
    best_match: data.best_match ?? null,
    alternatives: data.alternatives ?? [],
    unresolved: (data.unresolved ?? []).map(toFailure),
  }),
})

/** The fhir methods of both clients. */
export const methods = {
  resolve: method(
    resolve,
    1,
    ([coding]: [coding: FhirCodingInput], options: FhirResolveOptions | undefined) => ({ coding, options }),
  ),
  resolveBatch: method(
    resolveBatch,
    1,
    ([codings]: [codings: ReadonlyArray<FhirCodingInput>], options: FhirResolveOptions | undefined) => ({
      codings,
      options,
    }),
  ),
  resolveCodeableConcept: method(
    resolveCodeableConcept,
    1,
    (
      [codeableConcept]: [codeableConcept: ReadonlyArray<FhirCodingInput> | FhirCodeableConcept],
      options: FhirCodeableConceptOptions | undefined,
    ) => ({ codeableConcept, options }),
  ),
}
