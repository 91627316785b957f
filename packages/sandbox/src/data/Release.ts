/**
 * One vocabulary release held in memory: the tables of an Athena download plus the indexes the
 * endpoints need. Loading and the built-in default vocabulary live beside this file.
 */
export interface Concept {
  readonly concept_id: number
  readonly concept_name: string
  readonly domain_id: string
  readonly vocabulary_id: string
  readonly concept_class_id: string
  readonly standard_concept: "S" | "C" | null
  readonly concept_code: string
  /** ISO date, YYYY-MM-DD. */
  readonly valid_start_date: string
  readonly valid_end_date: string
  readonly invalid_reason: string | null
}

/** A loaded release. Implementations add indexes; the HTTP layer only needs the name. */
export interface VocabularyRelease {
  /** The release name clients select, e.g. `2025.2`. */
  readonly name: string
  readonly concepts: ReadonlyMap<number, Concept>
}
