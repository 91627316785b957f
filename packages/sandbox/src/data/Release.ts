/**
 * One vocabulary release held in memory: the tables of an Athena download plus the indexes the
 * endpoints need. `buildRelease` (BuildRelease.ts) derives missing tables and builds every index
 * once, so request handlers only do map look-ups and small scans.
 */
/** A row of Athena's CONCEPT table, as the endpoints return it. */
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

/** A row of Athena's CONCEPT_RELATIONSHIP table: `concept_id_1` relates to `concept_id_2`. */
export interface ConceptRelationshipRow {
  readonly concept_id_1: number
  readonly concept_id_2: number
  readonly relationship_id: string
  readonly valid_start_date: string
  readonly valid_end_date: string
  readonly invalid_reason: string | null
}

/** A row of Athena's CONCEPT_ANCESTOR table (derived from the hierarchy when the file is absent). */
export interface ConceptAncestorRow {
  readonly ancestor_concept_id: number
  readonly descendant_concept_id: number
  readonly min_levels_of_separation: number
  readonly max_levels_of_separation: number
}

/** A row of Athena's CONCEPT_SYNONYM table: another name for a concept. */
export interface ConceptSynonymRow {
  readonly concept_id: number
  readonly concept_synonym_name: string
  readonly language_concept_id: number
}

/** A row of Athena's VOCABULARY table (SNOMED, ICD10CM, RxNorm, ...). */
export interface Vocabulary {
  readonly vocabulary_id: string
  readonly vocabulary_name: string
  readonly vocabulary_reference: string | null
  readonly vocabulary_version: string | null
  readonly vocabulary_concept_id: number
}

/** A row of Athena's DOMAIN table (Condition, Drug, Measurement, ...). */
export interface Domain {
  readonly domain_id: string
  readonly domain_name: string
  readonly domain_concept_id: number
}

/** A row of Athena's CONCEPT_CLASS table (Clinical Finding, Ingredient, Lab Test, ...). */
export interface ConceptClass {
  readonly concept_class_id: string
  readonly concept_class_name: string
  readonly concept_class_concept_id: number
}

/** A row of Athena's RELATIONSHIP table: a relationship id, its reverse and whether it is hierarchical. */
export interface RelationshipType {
  readonly relationship_id: string
  readonly relationship_name: string
  readonly is_hierarchical: boolean
  readonly defines_ancestry: boolean
  readonly reverse_relationship_id: string
  readonly relationship_concept_id: number
}

/** The raw tables of a release, as read from Athena files or written by hand. */
export interface VocabularyTables {
  readonly concepts: ReadonlyArray<Concept>
  readonly relationships: ReadonlyArray<ConceptRelationshipRow>
  /** Absent tables are derived by `buildRelease`. */
  readonly ancestors?: ReadonlyArray<ConceptAncestorRow> | undefined
  readonly synonyms?: ReadonlyArray<ConceptSynonymRow> | undefined
  readonly vocabularies?: ReadonlyArray<Vocabulary> | undefined
  readonly domains?: ReadonlyArray<Domain> | undefined
  readonly conceptClasses?: ReadonlyArray<ConceptClass> | undefined
  readonly relationshipTypes?: ReadonlyArray<RelationshipType> | undefined
}

/** A loaded release with its indexes. The HTTP infrastructure only needs `name`. */
export interface VocabularyRelease {
  /** The release name clients select, e.g. `2025.2`. */
  readonly name: string
  readonly concepts: ReadonlyMap<number, Concept>
  /** Concepts in id order (stable iteration for listings and search). */
  readonly conceptList: ReadonlyArray<Concept>
  /** vocabulary_id -> concept_code -> concept (codes are case-sensitive). */
  readonly conceptsByCode: ReadonlyMap<string, ReadonlyMap<string, Concept>>
  readonly conceptsByVocabulary: ReadonlyMap<string, ReadonlyArray<Concept>>
  readonly conceptsByDomain: ReadonlyMap<string, ReadonlyArray<Concept>>
  /** Rows whose concept_id_1 is the key. */
  readonly relationshipsFrom: ReadonlyMap<number, ReadonlyArray<ConceptRelationshipRow>>
  /** Rows whose concept_id_2 is the key. */
  readonly relationshipsTo: ReadonlyMap<number, ReadonlyArray<ConceptRelationshipRow>>
  /** Rows whose descendant is the key (self row at level 0 included). */
  readonly ancestorsOf: ReadonlyMap<number, ReadonlyArray<ConceptAncestorRow>>
  /** Rows whose ancestor is the key (self row at level 0 included). */
  readonly descendantsOf: ReadonlyMap<number, ReadonlyArray<ConceptAncestorRow>>
  readonly synonymsOf: ReadonlyMap<number, ReadonlyArray<ConceptSynonymRow>>
  readonly vocabularies: ReadonlyMap<string, Vocabulary>
  readonly domains: ReadonlyMap<string, Domain>
  readonly conceptClasses: ReadonlyMap<string, ConceptClass>
  readonly relationshipTypes: ReadonlyMap<string, RelationshipType>
  /** Lower-cased name + synonyms per concept, precomputed for search. */
  readonly searchText: ReadonlyMap<number, ReadonlyArray<string>>
}
