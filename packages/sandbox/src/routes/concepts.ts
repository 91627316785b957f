/**
 * Concept endpoints (contract §4.1): by id, by code, batch, suggest, related and recommended.
 * `/concepts/:id/relationships` lives in relationships.ts, hierarchy in hierarchy.ts, mappings in
 * mappings.ts; the static `/concepts/...` paths are registered before the `:conceptId` ones.
 */
import type { Context, Hono } from "hono"
import { firstSorted } from "../data/ConceptOrder.ts"
import type { Concept, ConceptRelationshipRow, VocabularyRelease } from "../data/Release.ts"
import { prepareQuery } from "../data/Scoring.ts"
import { searchIndexOf } from "../data/SearchIndex.ts"
import { notFound, ok, okJson, paginationMeta } from "../http/Envelope.ts"
import {
  bodyOrQueryPage,
  conceptIdParam,
  missingRequiredField,
  QueryParams,
  queryPage,
  readJsonBody,
} from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { matchesFilter } from "./Filters.ts"
import { mappingsFrom } from "./mappings.ts"
import {
  type ConceptIncludes,
  conceptBrief,
  conceptRowJson,
  conceptWithIncludes,
  paginate,
  requireConcept,
  sortConcepts,
} from "./Shapes.ts"

const readIncludes = (query: QueryParams): ConceptIncludes => ({
  relationships: query.boolean("include_relationships", false),
  synonyms: query.boolean("include_synonyms", false),
  hierarchy: query.boolean("include_hierarchy", false),
})

const getConcept = (c: Context<SandboxEnv>) => {
  const conceptId = conceptIdParam(c)
  const query = new QueryParams(c)
  const includes = readIncludes(query)
  const release = c.get("release")
  const concept = requireConcept(release, conceptId)
  if (!includes.relationships && !includes.synonyms && !includes.hierarchy) {
    return okJson(c, conceptRowJson(concept))
  }
  return ok(c, conceptWithIncludes(release, concept, includes))
}

const getConceptByCode = (c: Context<SandboxEnv>) => {
  // Hono decodes each path segment exactly once, so `mg%2FdL` arrives as `mg/dL`.
  const vocabularyId = c.req.param("vocabularyId") ?? ""
  const conceptCode = c.req.param("conceptCode") ?? ""
  const includes = readIncludes(new QueryParams(c))
  const release = c.get("release")
  const concept = release.conceptsByCode.get(vocabularyId)?.get(conceptCode)
  if (concept === undefined) {
    throw notFound("Concept not found", { vocabulary_id: vocabularyId, concept_code: conceptCode })
  }
  return ok(c, conceptWithIncludes(release, concept, includes))
}

const batchCap = 100

const postBatch = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const conceptIds = body.integerList("concept_ids", { min: 1, max: batchCap }, { min: 0 })
  if (conceptIds === undefined) throw missingRequiredField("concept_ids")
  const includes: ConceptIncludes = {
    relationships: body.boolean("include_relationships", false),
    synonyms: body.boolean("include_synonyms", false),
    hierarchy: false,
  }
  const includeMappings = body.boolean("include_mappings", false)
  const vocabularyFilter = body.stringList("vocabulary_filter")
  const standardOnly = body.boolean("standard_only", true)
  const release = c.get("release")

  const concepts: unknown[] = []
  const failed: Array<{ concept_id: number; reason: string }> = []
  for (const conceptId of new Set(conceptIds)) {
    const concept = release.concepts.get(conceptId)
    if (concept === undefined) {
      failed.push({ concept_id: conceptId, reason: "not_found" })
    } else if (
      !matchesFilter(concept, { vocabularyIds: vocabularyFilter, standardOnly, includeInvalid: true })
    ) {
      failed.push({ concept_id: conceptId, reason: "filtered" })
    } else {
      concepts.push({
        ...conceptWithIncludes(release, concept, includes),
        ...(includeMappings
          ? { mappings: mappingsFrom(release, concept, ["Maps to"], false, undefined) }
          : {}),
      })
    }
  }
  return ok(c, {
    concepts,
    failed_concepts: failed,
    summary: { total: concepts.length + failed.length, found: concepts.length, failed: failed.length },
  })
}

/** `GET /concepts/suggest`: a bare array of suggestions that are also concept rows. */
const getSuggest = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  const text = query.requiredString("query", { min: 1, max: 100 })
  const page = queryPage(query, { defaultSize: 10, maxSize: 100 })
  const filter = { vocabularyIds: query.list("vocabulary_ids"), domainIds: query.list("domain_ids") }
  const release = c.get("release")
  const matches = searchIndexOf(release).lexicalSearch(prepareQuery(text), false, (concept) =>
    matchesFilter(concept, filter),
  )
  // `sortConcepts` by score, descending, for the requested page only (a partial selection).
  const start = (page.page - 1) * page.pageSize
  const items = firstSorted(
    matches,
    (a, b) => b.match.score - a.match.score || a.concept.concept_id - b.concept.concept_id,
    start + page.pageSize,
  ).slice(start)
  const pagination = paginationMeta(page.page, page.pageSize, matches.length)
  return ok(
    c,
    items.map(({ concept, match }) => ({
      suggestion: concept.concept_name,
      type: "concept",
      match_type: match.matchType,
      match_score: match.score,
      ...conceptBrief(concept),
    })),
    pagination,
  )
}

/** Stand-in relatedness: how strongly a relationship type ties two concepts, in [0, 1]. */
const relationshipScore = (relationshipId: string): number => {
  if (relationshipId === "Maps to" || relationshipId === "Mapped from") return 0.95
  if (relationshipId === "Is a" || relationshipId === "Subsumes") return 0.9
  if (/ingredient|has ing|ing of/i.test(relationshipId)) return 0.85
  return 0.7
}

/** Direct neighbours of a concept through its relationship rows, self rows excluded. */
const neighbourRows = (
  release: VocabularyRelease,
  conceptId: number,
): Array<{ row: ConceptRelationshipRow; concept: Concept }> =>
  (release.relationshipsFrom.get(conceptId) ?? []).flatMap((row) => {
    const concept = release.concepts.get(row.concept_id_2)
    return concept === undefined || row.concept_id_2 === conceptId ? [] : [{ row, concept }]
  })

/** `GET /concepts/{id}/related`: bare array, `page_size` only (contract §4.1). */
const getRelated = (c: Context<SandboxEnv>) => {
  const conceptId = conceptIdParam(c)
  const query = new QueryParams(c)
  const relationshipTypes = query.list("relationship_types")
  const minScore = query.number("min_score", 0, { min: 0, max: 1 })
  const pageSize = query.integer("page_size", 20, { min: 1, max: 100 })
  const release = c.get("release")
  const source = requireConcept(release, conceptId)
  const related = neighbourRows(release, source.concept_id)
    .filter(({ row }) => row.invalid_reason === null)
    .filter(({ row }) => relationshipTypes === undefined || relationshipTypes.includes(row.relationship_id))
    .map(({ row, concept }) => ({ row, concept, score: relationshipScore(row.relationship_id) }))
    .filter(({ score }) => score >= minScore)
  const ranked = sortConcepts(related, (item) => item.score, "desc").slice(0, pageSize)
  return ok(
    c,
    ranked.map(({ row, concept, score }) => ({
      ...conceptBrief(concept),
      vocabulary_name:
        release.vocabularies.get(concept.vocabulary_id)?.vocabulary_name ?? concept.vocabulary_id,
      relationship_id: row.relationship_id,
      relationship_name:
        release.relationshipTypes.get(row.relationship_id)?.relationship_name ?? row.relationship_id,
      relationship_score: score,
      relationship_distance: 1,
    })),
  )
}

/**
 * `POST /concepts/recommended`: an object keyed by source concept id (as a string). The sandbox
 * recommends each concept's direct relationship neighbours, a stand-in for OHDSI's Phoebe data.
 */
const postRecommended = async (c: Context<SandboxEnv>) => {
  const body = await readJsonBody(c)
  const query = new QueryParams(c)
  const conceptIds = body.integerList("concept_ids", { min: 1, max: 100 }, { min: 0 })
  if (conceptIds === undefined) throw missingRequiredField("concept_ids")
  const relationshipTypes = body.stringList("relationship_types", { max: 20 })
  const filter = {
    vocabularyIds: body.stringList("vocabulary_ids", { max: 50 }),
    domainIds: body.stringList("domain_ids", { max: 50 }),
    standardOnly: body.boolean("standard_only", true),
    includeInvalid: body.boolean("include_invalid", false),
  }
  const page = bodyOrQueryPage(body, query, { defaultSize: 100, maxSize: 1000 })
  const release = c.get("release")

  const recommendations: Record<string, unknown[]> = {}
  let largest = 0
  for (const conceptId of conceptIds) {
    const entries = neighbourRows(release, conceptId)
      .filter(({ row }) => filter.includeInvalid || row.invalid_reason === null)
      .filter(({ row }) => relationshipTypes === undefined || relationshipTypes.includes(row.relationship_id))
      .filter(({ concept }) => matchesFilter(concept, filter))
    const ranked = sortConcepts(entries, (item) => relationshipScore(item.row.relationship_id), "desc")
    largest = Math.max(largest, ranked.length)
    recommendations[String(conceptId)] = paginate(ranked, page).items.map(({ row, concept }) => ({
      ...conceptBrief(concept),
      invalid_reason: concept.invalid_reason,
      valid_start_date: concept.valid_start_date,
      valid_end_date: concept.valid_end_date,
      relationship_id: row.relationship_id,
    }))
  }
  // One page window applies to every source list; the meta describes the longest list.
  return ok(c, recommendations, paginate(new Array(largest), page).pagination)
}

export const registerConceptRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.post("/concepts/batch", postBatch)
  v1.get("/concepts/suggest", getSuggest)
  v1.post("/concepts/recommended", postRecommended)
  // `{.+}` also accepts a code whose '/' was not percent-encoded (the Python and R clients send it raw).
  v1.get("/concepts/by-code/:vocabularyId/:conceptCode{.+}", getConceptByCode)
  v1.get("/concepts/:conceptId", getConcept)
  v1.get("/concepts/:conceptId/related", getRelated)
}
