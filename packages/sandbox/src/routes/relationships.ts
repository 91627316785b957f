/** Relationship endpoints (contract §4.1 / §4.6): a concept's relationships and the relationship types. */
import type { Context, Hono } from "hono"
import type { Concept, ConceptRelationshipRow, VocabularyRelease } from "../data/Release.ts"
import { ok } from "../http/Envelope.ts"
import { conceptIdParam, QueryParams, queryPage } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { matchesFilter } from "./Filters.ts"
import { compareText, conceptBrief, paginate, requireConcept } from "./Shapes.ts"

const side = (release: VocabularyRelease, concept: Concept) => ({
  ...conceptBrief(concept),
  vocabulary_name: release.vocabularies.get(concept.vocabulary_id)?.vocabulary_name ?? concept.vocabulary_id,
  valid_start_date: concept.valid_start_date,
  valid_end_date: concept.valid_end_date,
  invalid_reason: concept.invalid_reason,
})

interface Oriented {
  readonly row: ConceptRelationshipRow
  readonly relationshipId: string
  readonly other: Concept
}

const getConceptRelationships = (c: Context<SandboxEnv>) => {
  const conceptId = conceptIdParam(c)
  const query = new QueryParams(c)
  const relationshipIds = query.list("relationship_ids")
  const filter = {
    vocabularyIds: query.list("vocabulary_ids"),
    domainIds: query.list("domain_ids"),
    standardOnly: query.boolean("standard_only", false),
    includeInvalid: query.boolean("include_invalid", false),
  }
  const includeReverse = query.boolean("include_reverse", false)
  const page = queryPage(query, { defaultSize: 100, maxSize: 1000 })
  const release = c.get("release")
  const concept = requireConcept(release, conceptId)

  const oriented: Oriented[] = []
  const seen = new Set<string>()
  const add = (row: ConceptRelationshipRow, relationshipId: string, otherId: number) => {
    const other = release.concepts.get(otherId)
    const key = `${relationshipId}\u0000${otherId}`
    if (other === undefined || seen.has(key)) return
    seen.add(key)
    oriented.push({ row, relationshipId, other })
  }
  for (const row of release.relationshipsFrom.get(conceptId) ?? [])
    add(row, row.relationship_id, row.concept_id_2)
  if (includeReverse) {
    // Rows stored the other way round, re-read from this concept's side with the reverse id.
    for (const row of release.relationshipsTo.get(conceptId) ?? []) {
      const reverse =
        release.relationshipTypes.get(row.relationship_id)?.reverse_relationship_id ?? row.relationship_id
      add(row, reverse, row.concept_id_1)
    }
  }

  const selected = oriented
    .filter(({ relationshipId }) => relationshipIds === undefined || relationshipIds.includes(relationshipId))
    .filter(({ row }) => filter.includeInvalid || row.invalid_reason === null)
    .filter(({ other }) => matchesFilter(other, filter))
    .sort(
      (a, b) =>
        compareText(a.relationshipId, b.relationshipId) ||
        compareText(a.other.concept_name, b.other.concept_name) ||
        a.other.concept_id - b.other.concept_id,
    )
  const { items, pagination } = paginate(selected, page)
  return ok(
    c,
    {
      relationships: items.map(({ row, relationshipId, other }) => {
        const type = release.relationshipTypes.get(relationshipId)
        return {
          concept_id_1: concept.concept_id,
          concept_id_2: other.concept_id,
          relationship_id: relationshipId,
          relationship_name: type?.relationship_name ?? relationshipId,
          reverse_relationship_id: type?.reverse_relationship_id ?? relationshipId,
          concept_1: side(release, concept),
          concept_2: side(release, other),
          valid_start_date: row.valid_start_date,
          valid_end_date: row.valid_end_date,
          invalid_reason: row.invalid_reason,
        }
      }),
    },
    pagination,
  )
}

const getRelationshipTypes = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  const page = queryPage(query, { defaultSize: 100, maxSize: 500 })
  const release = c.get("release")
  const usage = new Map<string, number>()
  for (const rows of release.relationshipsFrom.values()) {
    for (const row of rows) usage.set(row.relationship_id, (usage.get(row.relationship_id) ?? 0) + 1)
  }
  const { items, pagination } = paginate([...release.relationshipTypes.values()], page)
  return ok(
    c,
    {
      relationship_types: items.map((type) => ({
        relationship_id: type.relationship_id,
        relationship_name: type.relationship_name,
        is_hierarchical: type.is_hierarchical,
        is_defining: type.defines_ancestry,
        is_symmetric: type.reverse_relationship_id === type.relationship_id,
        is_transitive: type.is_hierarchical,
        reverse_relationship_id: type.reverse_relationship_id,
        defines_ancestry: type.defines_ancestry,
        relationship_concept_id: type.relationship_concept_id,
        usage_count: usage.get(type.relationship_id) ?? 0,
      })),
    },
    pagination,
  )
}

export const registerRelationshipRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.get("/concepts/:conceptId/relationships", getConceptRelationships)
  v1.get("/relationships/types", getRelationshipTypes)
}
