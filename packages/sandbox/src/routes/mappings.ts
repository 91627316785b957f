/**
 * Mapping endpoints (contract §4.7): a concept's mappings, and `POST /concepts/map` translating
 * concepts or native codes into a target vocabulary through 'Maps to' / 'Mapped from'.
 */
import type { Context, Hono } from "hono"
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { ok, validationError } from "../http/Envelope.ts"
import { conceptIdParam, QueryParams, readJsonBody } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { paginate, requireConcept } from "./Shapes.ts"

/** 'Maps to' is curated; anything else reached here is a weaker link. */
const confidenceFor = (relationshipId: string) => (relationshipId === "Maps to" ? 1 : 0.8)

const mappingRow = (source: Concept, target: Concept, relationshipId: string) => ({
  source_concept_id: source.concept_id,
  source_concept_name: source.concept_name,
  target_concept_id: target.concept_id,
  target_concept_name: target.concept_name,
  target_vocabulary_id: target.vocabulary_id,
  target_concept_code: target.concept_code,
  relationship_id: relationshipId,
  confidence: confidenceFor(relationshipId),
})

/** A concept's mapping rows for the given relationship ids, optionally limited to target vocabularies. */
export const mappingsFrom = (
  release: VocabularyRelease,
  source: Concept,
  relationshipIds: ReadonlyArray<string>,
  includeInvalid: boolean,
  targetVocabularies: ReadonlyArray<string> | undefined,
) =>
  (release.relationshipsFrom.get(source.concept_id) ?? []).flatMap((row) => {
    if (!relationshipIds.includes(row.relationship_id)) return []
    if (!includeInvalid && row.invalid_reason !== null) return []
    const target = release.concepts.get(row.concept_id_2)
    if (target === undefined) return []
    if (targetVocabularies !== undefined && !targetVocabularies.includes(target.vocabulary_id)) return []
    return [mappingRow(source, target, row.relationship_id)]
  })

const getMappings = (c: Context<SandboxEnv>) => {
  const conceptId = conceptIdParam(c)
  const query = new QueryParams(c)
  // MCP passes a comma-joined list in `target_vocabulary`.
  const targetVocabularies = query.list("target_vocabulary")
  const includeInvalid = query.boolean("include_invalid", false)
  const relationshipIds = query.list("relationship_ids") ?? ["Maps to"]
  const page = query.integer("page", 1, { min: 1, max: 1_000_000 })
  // The live API clamps page_size to 200 silently (contract §4.7); the sandbox does the same.
  const pageSize = Math.min(200, query.integer("page_size", 100, { min: 1, max: 1000 }))
  const release = c.get("release")
  const source = requireConcept(release, conceptId)
  const rows = mappingsFrom(release, source, relationshipIds, includeInvalid, targetVocabularies)
  const { items, pagination } = paginate(rows, { page, pageSize })
  return ok(
    c,
    {
      mappings: items,
      summary: {
        total_mappings: rows.length,
        target_vocabularies: [...new Set(rows.map((row) => row.target_vocabulary_id))].sort(),
      },
    },
    pagination,
  )
}

const mapCap = 1000

/** Concepts in `target` reachable from `source`: its own 'Maps to' targets, else via its standard concept. */
const translate = (release: VocabularyRelease, source: Concept, target: string, includeInvalid: boolean) => {
  const valid = (concept: Concept) => includeInvalid || concept.invalid_reason === null
  if (source.vocabulary_id === target) return [{ target: source, relationshipId: "Maps to" }]
  const direct = mappingsFrom(release, source, ["Maps to"], includeInvalid, [target]).flatMap((row) => {
    const concept = release.concepts.get(row.target_concept_id)
    return concept !== undefined && valid(concept) ? [{ target: concept, relationshipId: "Maps to" }] : []
  })
  if (direct.length > 0) return direct
  // Standard concepts reach other vocabularies through the sources that map to them.
  const standards =
    source.standard_concept === "S"
      ? [source]
      : mappingsFrom(release, source, ["Maps to"], includeInvalid, undefined).flatMap(
          (row) => release.concepts.get(row.target_concept_id) ?? [],
        )
  const seen = new Set<number>()
  return standards.flatMap((standard) =>
    mappingsFrom(release, standard, ["Mapped from"], includeInvalid, [target]).flatMap((row) => {
      const concept = release.concepts.get(row.target_concept_id)
      if (concept === undefined || !valid(concept) || seen.has(concept.concept_id)) return []
      seen.add(concept.concept_id)
      return [{ target: concept, relationshipId: "Mapped from" }]
    }),
  )
}

const postMap = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const target = body.requiredString("target_vocabulary", { max: 100 })
  const sourceConcepts = body.integerList("source_concepts", { min: 1, max: mapCap }, { min: 0 })
  const sourceCodes = body.objectList("source_codes", { min: 1, max: mapCap })
  if ((sourceConcepts === undefined) === (sourceCodes === undefined)) {
    throw validationError("Provide exactly one of 'source_concepts' or 'source_codes'", {
      parameter: "source_concepts|source_codes",
    })
  }
  const mappingType = body.optionalChoice("mapping_type", ["direct", "equivalent", "broader", "narrower"])
  const includeInvalid = body.boolean("include_invalid", false)
  const release = c.get("release")

  interface Source {
    readonly concept: Concept | undefined
    readonly failure: Record<string, unknown>
  }
  const sources: Source[] =
    sourceConcepts?.map((conceptId) => ({
      concept: release.concepts.get(conceptId),
      failure: { source_concept_id: conceptId },
    })) ??
    (sourceCodes ?? []).map((item) => {
      const vocabularyId = item.requiredString("vocabulary_id")
      const conceptCode = item.requiredString("concept_code")
      return {
        concept: release.conceptsByCode.get(vocabularyId)?.get(conceptCode),
        failure: { source_code: { vocabulary_id: vocabularyId, concept_code: conceptCode } },
      }
    })

  const mappings: unknown[] = []
  const failed: unknown[] = []
  let mapped = 0
  for (const { concept, failure } of sources) {
    if (concept === undefined) {
      failed.push({ ...failure, reason: "Source concept not found" })
      continue
    }
    const targets = translate(release, concept, target, includeInvalid)
    if (targets.length === 0) {
      failed.push({ ...failure, reason: `No mapping to ${target}` })
      continue
    }
    mapped++
    for (const { target: targetConcept, relationshipId } of targets) {
      mappings.push({
        source_concept_id: concept.concept_id,
        source_concept_name: concept.concept_name,
        source_vocabulary_id: concept.vocabulary_id,
        source_concept_code: concept.concept_code,
        target_concept_id: targetConcept.concept_id,
        target_concept_name: targetConcept.concept_name,
        target_vocabulary_id: targetConcept.vocabulary_id,
        target_concept_code: targetConcept.concept_code,
        target_domain_id: targetConcept.domain_id,
        target_concept_class_id: targetConcept.concept_class_id,
        target_standard_concept: targetConcept.standard_concept,
        relationship_id: relationshipId,
        confidence: confidenceFor(relationshipId),
        mapping_type: mappingType ?? (relationshipId === "Maps to" ? "direct" : "equivalent"),
        invalid_reason: targetConcept.invalid_reason,
      })
    }
  }
  return ok(c, {
    mappings,
    failed_mappings: failed,
    summary: {
      total_source_concepts: sources.length,
      total_mappings: mappings.length,
      mapped_concepts: mapped,
      unmapped_concepts: sources.length - mapped,
    },
  })
}

export const registerMappingRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.post("/concepts/map", postMap)
  v1.get("/concepts/:conceptId/mappings", getMappings)
}
