/**
 * Turns raw vocabulary tables into an indexed `VocabularyRelease`: derives the tables an Athena
 * subset may lack (vocabularies, domains, concept classes, relationship types, the ancestor closure)
 * and builds every look-up map once, at load time.
 */
import { knownDomainConceptIds, knownVocabularyNames, relationshipTypeFor } from "./KnownMetadata.ts"
import type {
  Concept,
  ConceptAncestorRow,
  ConceptClass,
  ConceptRelationshipRow,
  ConceptSynonymRow,
  Domain,
  RelationshipType,
  Vocabulary,
  VocabularyRelease,
  VocabularyTables,
} from "./Release.ts"

const groupBy = <K, V>(items: Iterable<V>, keyOf: (item: V) => K): Map<K, V[]> => {
  const groups = new Map<K, V[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [item])
    else group.push(item)
  }
  return groups
}

const deriveVocabularies = (concepts: ReadonlyArray<Concept>): Vocabulary[] =>
  [...new Set(concepts.map((concept) => concept.vocabulary_id))].sort().map((id) => ({
    vocabulary_id: id,
    vocabulary_name: knownVocabularyNames[id] ?? id,
    vocabulary_reference: null,
    vocabulary_version: null,
    vocabulary_concept_id: 0,
  }))

const deriveDomains = (concepts: ReadonlyArray<Concept>): Domain[] =>
  [...new Set(concepts.map((concept) => concept.domain_id))].sort().map((id) => ({
    domain_id: id,
    domain_name: id,
    domain_concept_id: knownDomainConceptIds[id] ?? 0,
  }))

const deriveConceptClasses = (concepts: ReadonlyArray<Concept>): ConceptClass[] =>
  [...new Set(concepts.map((concept) => concept.concept_class_id))].sort().map((id) => ({
    concept_class_id: id,
    concept_class_name: id,
    concept_class_concept_id: 0,
  }))

const deriveRelationshipTypes = (
  relationships: ReadonlyArray<ConceptRelationshipRow>,
): RelationshipType[] => {
  const ids = new Set(relationships.map((row) => row.relationship_id))
  // Every type's reverse is listed too, so clients can resolve both directions by id.
  for (const id of [...ids]) ids.add(relationshipTypeFor(id).reverse_relationship_id)
  return [...ids].sort().map(relationshipTypeFor)
}

interface Separation {
  min: number
  max: number
}

/**
 * The transitive closure of the valid 'Is a' edges (and the equivalent reversed 'Subsumes' edges),
 * with min/max levels of separation, plus a level-0 self row for every standard or classification
 * concept and every concept in the hierarchy, as OMOP's CONCEPT_ANCESTOR has.
 */
export const deriveAncestors = (
  concepts: ReadonlyMap<number, Concept>,
  relationships: ReadonlyArray<ConceptRelationshipRow>,
): ConceptAncestorRow[] => {
  const parentsOf = new Map<number, Set<number>>()
  const addEdge = (child: number, parent: number) => {
    if (child === parent || !concepts.has(child) || !concepts.has(parent)) return
    let parents = parentsOf.get(child)
    if (parents === undefined) {
      parents = new Set()
      parentsOf.set(child, parents)
    }
    parents.add(parent)
  }
  const inHierarchy = new Set<number>()
  for (const row of relationships) {
    if (row.invalid_reason !== null) continue
    if (row.relationship_id === "Is a") addEdge(row.concept_id_1, row.concept_id_2)
    else if (row.relationship_id === "Subsumes") addEdge(row.concept_id_2, row.concept_id_1)
    else continue
    inHierarchy.add(row.concept_id_1)
    inHierarchy.add(row.concept_id_2)
  }

  const memo = new Map<number, Map<number, Separation>>()
  const inProgress = new Set<number>()
  const ancestorsOf = (id: number): Map<number, Separation> => {
    const cached = memo.get(id)
    if (cached !== undefined) return cached
    const result = new Map<number, Separation>()
    // A cycle in bad data must not recurse forever: the edge that closes it is ignored.
    if (inProgress.has(id)) return result
    inProgress.add(id)
    const merge = (ancestor: number, min: number, max: number) => {
      const seen = result.get(ancestor)
      if (seen === undefined) result.set(ancestor, { min, max })
      else {
        seen.min = Math.min(seen.min, min)
        seen.max = Math.max(seen.max, max)
      }
    }
    for (const parent of parentsOf.get(id) ?? []) {
      merge(parent, 1, 1)
      for (const [ancestor, separation] of ancestorsOf(parent)) {
        if (ancestor !== id) merge(ancestor, separation.min + 1, separation.max + 1)
      }
    }
    inProgress.delete(id)
    memo.set(id, result)
    return result
  }

  const rows: ConceptAncestorRow[] = []
  for (const concept of concepts.values()) {
    const id = concept.concept_id
    if (concept.standard_concept !== null || inHierarchy.has(id)) {
      rows.push({
        ancestor_concept_id: id,
        descendant_concept_id: id,
        min_levels_of_separation: 0,
        max_levels_of_separation: 0,
      })
    }
    for (const [ancestor, separation] of ancestorsOf(id)) {
      rows.push({
        ancestor_concept_id: ancestor,
        descendant_concept_id: id,
        min_levels_of_separation: separation.min,
        max_levels_of_separation: separation.max,
      })
    }
  }
  return rows
}

/** Supplied rows win over derived ones; the result is keyed and ordered by id. */
const mergeById = <T>(
  supplied: ReadonlyArray<T> | undefined,
  derived: ReadonlyArray<T>,
  idOf: (item: T) => string,
): Map<string, T> => {
  const merged = new Map<string, T>()
  for (const item of supplied ?? []) merged.set(idOf(item), item)
  for (const item of derived) if (!merged.has(idOf(item))) merged.set(idOf(item), item)
  return new Map([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export const buildRelease = (name: string, tables: VocabularyTables): VocabularyRelease => {
  const conceptList = [...tables.concepts].sort((a, b) => a.concept_id - b.concept_id)
  const concepts = new Map(conceptList.map((concept) => [concept.concept_id, concept]))
  const known = (id: number) => concepts.has(id)

  // Rows that point at concepts outside the release cannot be rendered, so they are dropped here.
  const relationships = tables.relationships.filter(
    (row) => known(row.concept_id_1) && known(row.concept_id_2),
  )
  const ancestors = (tables.ancestors ?? deriveAncestors(concepts, relationships)).filter(
    (row) => known(row.ancestor_concept_id) && known(row.descendant_concept_id),
  )
  const synonyms: ReadonlyArray<ConceptSynonymRow> = (tables.synonyms ?? []).filter((row) =>
    known(row.concept_id),
  )

  const conceptsByCode = new Map<string, Map<string, Concept>>()
  for (const concept of conceptList) {
    let codes = conceptsByCode.get(concept.vocabulary_id)
    if (codes === undefined) {
      codes = new Map()
      conceptsByCode.set(concept.vocabulary_id, codes)
    }
    // When a code repeats (a deprecated and a current row), the valid one wins.
    const existing = codes.get(concept.concept_code)
    if (existing === undefined || (existing.invalid_reason !== null && concept.invalid_reason === null)) {
      codes.set(concept.concept_code, concept)
    }
  }

  const synonymsOf = groupBy(synonyms, (row) => row.concept_id)
  const searchText = new Map<number, string[]>()
  for (const concept of conceptList) {
    const texts = [concept.concept_name.toLowerCase()]
    for (const synonym of synonymsOf.get(concept.concept_id) ?? []) {
      const text = synonym.concept_synonym_name.toLowerCase()
      if (!texts.includes(text)) texts.push(text)
    }
    searchText.set(concept.concept_id, texts)
  }

  return {
    name,
    concepts,
    conceptList,
    conceptsByCode,
    conceptsByVocabulary: groupBy(conceptList, (concept) => concept.vocabulary_id),
    conceptsByDomain: groupBy(conceptList, (concept) => concept.domain_id),
    relationshipsFrom: groupBy(relationships, (row) => row.concept_id_1),
    relationshipsTo: groupBy(relationships, (row) => row.concept_id_2),
    ancestorsOf: groupBy(ancestors, (row) => row.descendant_concept_id),
    descendantsOf: groupBy(ancestors, (row) => row.ancestor_concept_id),
    synonymsOf,
    vocabularies: mergeById(tables.vocabularies, deriveVocabularies(conceptList), (row) => row.vocabulary_id),
    domains: mergeById(tables.domains, deriveDomains(conceptList), (row) => row.domain_id),
    conceptClasses: mergeById(
      tables.conceptClasses,
      deriveConceptClasses(conceptList),
      (row) => row.concept_class_id,
    ),
    // Ids used by rows but missing from a supplied RELATIONSHIP table still get an entry.
    relationshipTypes: mergeById(
      tables.relationshipTypes,
      deriveRelationshipTypes(relationships),
      (row) => row.relationship_id,
    ),
    searchText,
  }
}
