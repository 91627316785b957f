/** The concept filters most list endpoints share (vocabularies, domains, classes, standard flag, validity). */
import type { Concept } from "../data/Release.ts"

export const standardChoices = ["S", "C", "N"] as const
export type StandardChoice = (typeof standardChoices)[number]

export interface ConceptFilter {
  readonly vocabularyIds?: ReadonlyArray<string> | undefined
  readonly domainIds?: ReadonlyArray<string> | undefined
  readonly conceptClassIds?: ReadonlyArray<string> | undefined
  /** `N` selects non-standard concepts. */
  readonly standardConcept?: StandardChoice | undefined
  readonly standardOnly?: boolean | undefined
  readonly includeInvalid?: boolean | undefined
}

export const matchesFilter = (concept: Concept, filter: ConceptFilter): boolean => {
  if (filter.vocabularyIds !== undefined && !filter.vocabularyIds.includes(concept.vocabulary_id))
    return false
  if (filter.domainIds !== undefined && !filter.domainIds.includes(concept.domain_id)) return false
  if (filter.conceptClassIds !== undefined && !filter.conceptClassIds.includes(concept.concept_class_id))
    return false
  if (filter.standardConcept !== undefined) {
    const flag = concept.standard_concept ?? "N"
    if (flag !== filter.standardConcept) return false
  }
  if (filter.standardOnly === true && concept.standard_concept !== "S") return false
  if (filter.includeInvalid !== true && concept.invalid_reason !== null) return false
  return true
}
