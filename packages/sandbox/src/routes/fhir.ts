/**
 * FHIR Concept Resolver (contract §4.8): a coding (system URI or vocabulary id, code, display) is
 * resolved to its OMOP source concept and standard concept, following 'Maps to' for non-standard
 * sources. A display-only coding falls back to the lexical similarity stand-in (`semantic_match`).
 */
import type { Context, Hono } from "hono"
import { closestSystem, restrictedVocabularies, vocabularyForSystem } from "../data/FhirSystems.ts"
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { prepareQuery, similarityScorePrepared } from "../data/Scoring.ts"
import { searchIndexOf } from "../data/SearchIndex.ts"
import { ApiFailure, notFound, ok } from "../http/Envelope.ts"
import { type BodyFields, missingRequiredField, readJsonBody } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { targetTableFor } from "./Shapes.ts"

const resourceDomains: Readonly<Record<string, ReadonlyArray<string>>> = {
  Condition: ["Condition"],
  Observation: ["Observation", "Measurement"],
  MedicationStatement: ["Drug"],
  MedicationRequest: ["Drug"],
  MedicationAdministration: ["Drug"],
  Immunization: ["Drug"],
  Procedure: ["Procedure"],
  AllergyIntolerance: ["Observation", "Condition"],
  DiagnosticReport: ["Measurement", "Observation", "Procedure"],
}
const resourceTypes = Object.keys(resourceDomains)

interface ResolveOptions {
  readonly resourceType: string | undefined
  readonly includeRecommendations: boolean
  readonly recommendationsLimit: number
  readonly includeQuality: boolean
  readonly onUnmapped: "error" | "sentinel"
}

const readOptions = (body: BodyFields): ResolveOptions => ({
  resourceType: body.optionalChoice("resource_type", resourceTypes),
  includeRecommendations: body.boolean("include_recommendations", false),
  recommendationsLimit: body.integer("recommendations_limit", 5, { min: 1, max: 20 }),
  includeQuality: body.boolean("include_quality", false),
  onUnmapped: body.choice("on_unmapped", ["error", "sentinel"], "error"),
})

interface Coding {
  readonly system: string | undefined
  readonly code: string | undefined
  readonly display: string | undefined
  readonly vocabularyId: string | undefined
  readonly userSelected: boolean
}

const readCoding = (fields: BodyFields): Coding => ({
  system: fields.string("system", { max: 500 }),
  code: fields.string("code", { max: 500 }),
  display: fields.string("display", { max: 500 }),
  vocabularyId: fields.string("vocabulary_id", { max: 100 }),
  userSelected: fields.boolean("user_selected", false),
})

const echo = (coding: Coding, resourceType?: string) => ({
  ...(coding.system === undefined ? {} : { system: coding.system }),
  ...(coding.code === undefined ? {} : { code: coding.code }),
  ...(coding.display === undefined ? {} : { display: coding.display }),
  ...(coding.vocabularyId === undefined ? {} : { vocabulary_id: coding.vocabularyId }),
  ...(coding.userSelected ? { user_selected: true } : {}),
  ...(resourceType === undefined ? {} : { resource_type: resourceType }),
})

const fhirConcept = (concept: Concept) => ({
  concept_id: concept.concept_id,
  concept_name: concept.concept_name,
  concept_code: concept.concept_code,
  vocabulary_id: concept.vocabulary_id,
  domain_id: concept.domain_id,
  concept_class_id: concept.concept_class_id,
  standard_concept: concept.standard_concept,
})

/** OMOP's "No matching concept" (concept_id 0), returned with `on_unmapped: sentinel`. */
const noMatchingConcept = {
  concept_id: 0,
  concept_name: "No matching concept",
  concept_code: "No matching concept",
  vocabulary_id: "None",
  domain_id: "Metadata",
  concept_class_id: "Undefined",
  standard_concept: null,
}

const mapsToTargets = (release: VocabularyRelease, source: Concept): Concept[] =>
  (release.relationshipsFrom.get(source.concept_id) ?? []).flatMap((row) => {
    if (row.relationship_id !== "Maps to" || row.invalid_reason !== null) return []
    const target = release.concepts.get(row.concept_id_2)
    return target !== undefined && target.standard_concept === "S" ? [target] : []
  })

const recommendationsFor = (release: VocabularyRelease, standard: Concept, limit: number) =>
  (release.relationshipsFrom.get(standard.concept_id) ?? [])
    .filter(
      (row) =>
        row.invalid_reason === null &&
        row.concept_id_2 !== standard.concept_id &&
        !row.relationship_id.startsWith("Map"),
    )
    .flatMap((row) => {
      const concept = release.concepts.get(row.concept_id_2)
      return concept === undefined || concept.standard_concept !== "S"
        ? []
        : [{ ...fhirConcept(concept), relationship_id: row.relationship_id }]
    })
    .slice(0, limit)

interface Resolved {
  readonly input: Record<string, unknown>
  readonly resolution: Record<string, unknown>
}

const unmapped = (
  coding: Coding,
  options: ResolveOptions,
  vocabularyId: string | null,
  source: Concept | undefined,
): Resolved => {
  if (options.onUnmapped === "error") {
    throw notFound(
      "No concept matches the coding",
      { system: coding.system ?? null, code: coding.code ?? null, vocabulary_id: vocabularyId },
      "concept_not_found",
    )
  }
  return {
    input: echo(coding, options.resourceType),
    resolution: {
      vocabulary_id: vocabularyId,
      source_concept: source === undefined ? noMatchingConcept : fhirConcept(source),
      standard_concept: noMatchingConcept,
      mapping_type: "unmapped",
      target_table: null,
      domain_resource_alignment: "not_checked",
      ...(options.includeQuality
        ? { mapping_quality: "manual_review", quality_note: "No standard concept found" }
        : {}),
    },
  }
}

const vocabularyOf = (coding: Coding): string | undefined => {
  if (coding.vocabularyId !== undefined) return coding.vocabularyId
  if (coding.system === undefined) return undefined
  const vocabularyId = vocabularyForSystem(coding.system)
  if (vocabularyId === undefined) {
    const suggestion = closestSystem(coding.system)
    throw new ApiFailure(
      400,
      "unknown_system",
      `Unknown code system URI: ${coding.system}${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}`,
      { system: coding.system, ...(suggestion === undefined ? {} : { suggestion }) },
    )
  }
  return vocabularyId
}

/** Resolves one coding; throws `ApiFailure` for bad input and (with `on_unmapped: error`) no match. */
const resolveCoding = (release: VocabularyRelease, coding: Coding, options: ResolveOptions): Resolved => {
  const hasCode = coding.code !== undefined && coding.code !== ""
  const hasDisplay = coding.display !== undefined && coding.display.trim() !== ""
  if (!((hasCode && (coding.system !== undefined || coding.vocabularyId !== undefined)) || hasDisplay)) {
    throw new ApiFailure(400, "missing_input", "Provide system and code, vocabulary_id and code, or display")
  }
  const vocabularyId = hasCode ? vocabularyOf(coding) : coding.vocabularyId
  if (vocabularyId !== undefined && restrictedVocabularies.has(vocabularyId)) {
    throw new ApiFailure(403, "vocabulary_restricted", `${vocabularyId} is excluded for licensing reasons`, {
      vocabulary_id: vocabularyId,
    })
  }
  const expectedDomains =
    options.resourceType === undefined ? undefined : resourceDomains[options.resourceType]

  let source: Concept | undefined
  let standard: Concept | undefined
  let alternatives: Concept[] = []
  let mappingType = "direct"
  let similarity: number | undefined
  if (hasCode && vocabularyId !== undefined) {
    source = release.conceptsByCode.get(vocabularyId)?.get(coding.code ?? "")
    if (source !== undefined) {
      if (source.standard_concept === "S") standard = source
      else {
        ;[standard, ...alternatives] = mapsToTargets(release, source)
        mappingType = "mapped"
      }
    }
  }
  if (standard === undefined && source === undefined && hasDisplay) {
    let best: { concept: Concept; score: number } | undefined
    const display = prepareQuery(coding.display ?? "")
    for (const { concept, texts } of searchIndexOf(release).entries) {
      if (concept.standard_concept !== "S" || concept.invalid_reason !== null) continue
      if (expectedDomains !== undefined && !expectedDomains.includes(concept.domain_id)) continue
      const { score } = similarityScorePrepared(display, texts)
      if (score >= 0.5 && (best === undefined || score > best.score)) best = { concept, score }
    }
    if (best !== undefined) {
      standard = best.concept
      mappingType = "semantic_match"
      similarity = best.score
    }
  }
  if (standard === undefined) return unmapped(coding, options, vocabularyId ?? null, source)

  const aligned = expectedDomains === undefined ? undefined : expectedDomains.includes(standard.domain_id)
  const quality =
    mappingType === "semantic_match"
      ? (similarity ?? 0) >= 0.9
        ? "medium"
        : "low"
      : alternatives.length > 0
        ? "medium"
        : "high"
  return {
    input: echo(coding, options.resourceType),
    resolution: {
      vocabulary_id: source?.vocabulary_id ?? vocabularyId ?? null,
      source_concept: fhirConcept(source ?? standard),
      standard_concept: fhirConcept(standard),
      mapping_type: mappingType,
      ...(mappingType === "mapped" ? { relationship_id: "Maps to" } : {}),
      target_table: targetTableFor(standard.domain_id),
      domain_resource_alignment: aligned === undefined ? "not_checked" : aligned ? "aligned" : "misaligned",
      ...(aligned === false
        ? { alignment_note: `${standard.domain_id} concept does not fit a ${options.resourceType} resource` }
        : {}),
      ...(similarity === undefined ? {} : { similarity_score: similarity }),
      ...(alternatives.length > 0 ? { alternative_standard_concepts: alternatives.map(fhirConcept) } : {}),
      ...(options.includeQuality
        ? { mapping_quality: quality, quality_note: `Sandbox rating for a ${mappingType} resolution` }
        : {}),
      ...(options.includeRecommendations
        ? { recommendations: recommendationsFor(release, standard, options.recommendationsLimit) }
        : {}),
    },
  }
}

const postResolve = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const options = readOptions(body)
  return ok(c, resolveCoding(c.get("release"), readCoding(body), options))
}

const failureOf = (cause: unknown) =>
  cause instanceof ApiFailure
    ? { code: cause.code, message: cause.message }
    : { code: "internal_server_error", message: "Resolution failed" }

const postResolveBatch = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const options = readOptions(body)
  const codings = body.objectList("codings", { min: 1, max: 100 })
  if (codings === undefined) throw missingRequiredField("codings")
  const release = c.get("release")
  const results = codings.map(readCoding).map((coding) => {
    try {
      return resolveCoding(release, coding, options)
    } catch (cause) {
      return { input: echo(coding, options.resourceType), error: failureOf(cause) }
    }
  })
  const resolved = results.filter((result) => "resolution" in result).length
  return ok(c, { results, summary: { total: results.length, resolved, failed: results.length - resolved } })
}

/** OHDSI preference for the best coding: SNOMED > RxNorm > LOINC > CVX > ICD-10 > others. */
const preference = (vocabularyId: unknown): number => {
  const order = ["SNOMED", "RxNorm", "LOINC", "CVX", "ICD10CM", "ICD10"]
  const index = order.indexOf(String(vocabularyId))
  return index === -1 ? order.length : index
}

const postResolveCodeableConcept = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const options = readOptions(body)
  const codings = (body.objectList("coding", { min: 1, max: 20 }) ?? []).map(readCoding)
  const text = body.string("text", { max: 500 })
  if (codings.length === 0 && (text === undefined || text.trim() === "")) {
    throw new ApiFailure(400, "missing_input", "Provide 'coding' or 'text'")
  }
  const release = c.get("release")
  // Unmapped codings are reported, not substituted, so resolve each with errors on.
  const strict: ResolveOptions = { ...options, onUnmapped: "error" }
  const resolved: Array<Resolved & { coding: Coding }> = []
  const unresolved: Array<{ input: unknown; error: unknown }> = []
  for (const coding of codings) {
    try {
      resolved.push({ ...resolveCoding(release, coding, strict), coding })
    } catch (cause) {
      unresolved.push({ input: echo(coding), error: failureOf(cause) })
    }
  }
  const ranked = [...resolved].sort(
    (a, b) =>
      Number(b.coding.userSelected) - Number(a.coding.userSelected) ||
      preference(a.resolution.vocabulary_id) - preference(b.resolution.vocabulary_id),
  )
  let best: Resolved | null =
    ranked[0] === undefined ? null : { input: ranked[0].input, resolution: ranked[0].resolution }
  if (best === null && text !== undefined && text.trim() !== "") {
    try {
      const textOnly: Coding = {
        system: undefined,
        code: undefined,
        display: text,
        vocabularyId: undefined,
        userSelected: false,
      }
      best = resolveCoding(release, textOnly, options)
    } catch (cause) {
      unresolved.push({ input: { text }, error: failureOf(cause) })
    }
  }
  return ok(c, {
    input: { coding: codings.map((coding) => echo(coding)), ...(text === undefined ? {} : { text }) },
    best_match: best,
    alternatives: ranked.slice(1).map(({ input, resolution }) => ({ input, resolution })),
    unresolved,
  })
}

export const registerFhirRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.post("/fhir/resolve", postResolve)
  v1.post("/fhir/resolve/batch", postResolveBatch)
  v1.post("/fhir/resolve/codeable-concept", postResolveCodeableConcept)
}
