/**
 * The wire shapes shared by several endpoints (contract §4.0): full concept rows, summaries,
 * hierarchy nodes, and the optional `synonyms` / `relationships` / `hierarchy` blocks.
 */
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { notFound, type PaginationMeta, paginationMeta } from "../http/Envelope.ts"
import type { PageRequest } from "../http/Params.ts"

export const conceptRow = (concept: Concept) => ({ ...concept })

const rowJson = new WeakMap<Concept, string>()

/** `JSON.stringify(conceptRow(concept))`, serialised once per concept (rows are immutable). */
export const conceptRowJson = (concept: Concept): string => {
  let json = rowJson.get(concept)
  if (json === undefined) {
    json = JSON.stringify(conceptRow(concept))
    rowJson.set(concept, json)
  }
  return json
}

/**
 * `a.localeCompare(b)` and `a.localeCompare(b, "en", { sensitivity: "base" })` with the collator built
 * once: `localeCompare` constructs a new ICU collator on every call, which dominated small sorts.
 */
export const compareText: (a: string, b: string) => number = new Intl.Collator().compare
export const compareTextBase: (a: string, b: string) => number = new Intl.Collator("en", {
  sensitivity: "base",
}).compare

export const conceptSummary = (concept: Concept) => ({
  concept_id: concept.concept_id,
  concept_name: concept.concept_name,
  vocabulary_id: concept.vocabulary_id,
  concept_code: concept.concept_code,
})

/** Summary plus classification fields (related concepts, relationship sides, FHIR concepts). */
export const conceptBrief = (concept: Concept) => ({
  ...conceptSummary(concept),
  domain_id: concept.domain_id,
  concept_class_id: concept.concept_class_id,
  standard_concept: concept.standard_concept,
})

export const requireConcept = (release: VocabularyRelease, conceptId: number): Concept => {
  const concept = release.concepts.get(conceptId)
  if (concept === undefined) throw notFound("Concept not found", { concept_id: conceptId })
  return concept
}

export const isValid = (concept: Concept) => concept.invalid_reason === null

export interface Page<T> {
  readonly items: T[]
  readonly pagination: PaginationMeta
}

export const paginate = <T>(items: ReadonlyArray<T>, request: PageRequest): Page<T> => {
  const start = (request.page - 1) * request.pageSize
  return {
    items: items.slice(start, start + request.pageSize),
    pagination: paginationMeta(request.page, request.pageSize, items.length),
  }
}

const languageNames: Readonly<Record<number, string>> = { 4180186: "English" }

export const synonymsOf = (release: VocabularyRelease, conceptId: number) =>
  (release.synonymsOf.get(conceptId) ?? []).map((row) => ({
    concept_synonym_name: row.concept_synonym_name,
    language_concept_id: row.language_concept_id,
    ...(languageNames[row.language_concept_id] === undefined
      ? {}
      : { language_concept_name: languageNames[row.language_concept_id] }),
  }))

/** Direct hierarchy neighbours: `{ parents, children }` (contract §4.0, `include_relationships`). */
export const parentsAndChildren = (release: VocabularyRelease, conceptId: number) => {
  const neighbours = (relationshipId: string) =>
    (release.relationshipsFrom.get(conceptId) ?? [])
      .filter((row) => row.relationship_id === relationshipId && row.invalid_reason === null)
      .flatMap((row) => {
        const other = release.concepts.get(row.concept_id_2)
        return other === undefined || other.concept_id === conceptId
          ? []
          : [
              {
                concept_id: other.concept_id,
                concept_name: other.concept_name,
                relationship_id: relationshipId,
              },
            ]
      })
  return { parents: neighbours("Is a"), children: neighbours("Subsumes") }
}

export interface HierarchyNodeOptions {
  readonly includeDistance?: boolean
  readonly includePaths?: boolean
}

export const hierarchyNode = (
  concept: Concept,
  minLevels: number,
  maxLevels: number,
  options: HierarchyNodeOptions = {},
) => ({
  ...conceptBrief(concept),
  level: minLevels,
  min_levels_of_separation: minLevels,
  max_levels_of_separation: maxLevels,
  ...(options.includeDistance ? { hierarchy_level: minLevels } : {}),
  ...(options.includePaths ? { path_length: minLevels } : {}),
})

/** Ancestors (or descendants) from the ancestor table, nearest first, self excluded. */
export const hierarchyRows = (
  release: VocabularyRelease,
  conceptId: number,
  direction: "ancestors" | "descendants",
  maxLevels: number | undefined,
) => {
  const rows = (direction === "ancestors" ? release.ancestorsOf : release.descendantsOf).get(conceptId) ?? []
  return rows
    .flatMap((row) => {
      const otherId = direction === "ancestors" ? row.ancestor_concept_id : row.descendant_concept_id
      const concept = release.concepts.get(otherId)
      if (concept === undefined || otherId === conceptId) return []
      if (maxLevels !== undefined && row.min_levels_of_separation > maxLevels) return []
      return [{ concept, min: row.min_levels_of_separation, max: row.max_levels_of_separation }]
    })
    .sort((a, b) => a.min - b.min || compareText(a.concept.concept_name, b.concept.concept_name))
}

/** The `hierarchy` block of a concept (`include_hierarchy`). */
export const hierarchyBlock = (release: VocabularyRelease, conceptId: number) => ({
  ancestors: hierarchyRows(release, conceptId, "ancestors", undefined).map((row) =>
    hierarchyNode(row.concept, row.min, row.max),
  ),
  descendants: hierarchyRows(release, conceptId, "descendants", undefined).map((row) =>
    hierarchyNode(row.concept, row.min, row.max),
  ),
})

export interface ConceptIncludes {
  readonly relationships: boolean
  readonly synonyms: boolean
  readonly hierarchy: boolean
}

/** A full concept row with the blocks its `include_*` flags ask for. */
export const conceptWithIncludes = (
  release: VocabularyRelease,
  concept: Concept,
  includes: ConceptIncludes,
) => ({
  ...conceptRow(concept),
  ...(includes.synonyms ? { synonyms: synonymsOf(release, concept.concept_id) } : {}),
  ...(includes.relationships ? { relationships: parentsAndChildren(release, concept.concept_id) } : {}),
  ...(includes.hierarchy ? { hierarchy: hierarchyBlock(release, concept.concept_id) } : {}),
})

/** Target table of the OMOP CDM for a standard concept's domain. */
export const targetTableFor = (domainId: string): string | null =>
  (
    ({
      Condition: "condition_occurrence",
      Drug: "drug_exposure",
      Measurement: "measurement",
      Procedure: "procedure_occurrence",
      Observation: "observation",
      Device: "device_exposure",
      Specimen: "specimen",
      Visit: "visit_occurrence",
    }) as Record<string, string>
  )[domainId] ?? null

/** Sorts a copy by a key, ascending or descending, with concept id as the stable tie-breaker. */
export const sortConcepts = <T extends { readonly concept: Concept }>(
  items: ReadonlyArray<T>,
  key: (item: T) => string | number,
  order: "asc" | "desc",
): T[] => {
  const sign = order === "asc" ? 1 : -1
  return [...items].sort((a, b) => {
    const left = key(a)
    const right = key(b)
    const compared =
      typeof left === "number" && typeof right === "number"
        ? left - right
        : compareTextBase(String(left), String(right))
    return sign * compared || a.concept.concept_id - b.concept.concept_id
  })
}
