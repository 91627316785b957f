/**
 * Public OMOP metadata used when a release lacks VOCABULARY / DOMAIN / RELATIONSHIP tables: names
 * and reverse ids of well-known relationships, vocabulary and domain display names. Anything not
 * listed here is derived from its id.
 */
import type { RelationshipType } from "./Release.ts"

interface KnownRelationship {
  readonly id: string
  readonly name: string
  readonly reverse: string
  readonly hierarchical?: boolean
  readonly definesAncestry?: boolean
}

const pairs: ReadonlyArray<readonly [KnownRelationship, KnownRelationship]> = [
  [
    { id: "Maps to", name: "Non-standard to Standard map (OMOP)", reverse: "Mapped from" },
    { id: "Mapped from", name: "Standard to Non-standard map (OMOP)", reverse: "Maps to" },
  ],
  [
    { id: "Is a", name: "Is a", reverse: "Subsumes", hierarchical: true, definesAncestry: true },
    { id: "Subsumes", name: "Subsumes", reverse: "Is a", hierarchical: true, definesAncestry: true },
  ],
  [
    { id: "Maps to value", name: "Maps to value (OMOP)", reverse: "Value mapped from" },
    { id: "Value mapped from", name: "Value mapped from (OMOP)", reverse: "Maps to value" },
  ],
  [
    {
      id: "Has ingredient",
      name: "Has ingredient (RxNorm)",
      reverse: "Ingredient of",
      definesAncestry: true,
    },
    { id: "Ingredient of", name: "Ingredient of (RxNorm)", reverse: "Has ingredient", definesAncestry: true },
  ],
  [
    { id: "RxNorm has ing", name: "Has ingredient (RxNorm)", reverse: "RxNorm ing of" },
    { id: "RxNorm ing of", name: "Ingredient of (RxNorm)", reverse: "RxNorm has ing" },
  ],
  [
    { id: "RxNorm has dose form", name: "Has dose form (RxNorm)", reverse: "RxNorm dose form of" },
    { id: "RxNorm dose form of", name: "Dose form of (RxNorm)", reverse: "RxNorm has dose form" },
  ],
  [
    { id: "Panel contains", name: "Panel contains (LOINC)", reverse: "Contained in panel" },
    { id: "Contained in panel", name: "Contained in panel (LOINC)", reverse: "Panel contains" },
  ],
  [
    { id: "Concept replaced by", name: "Concept replaced by", reverse: "Concept replaces" },
    { id: "Concept replaces", name: "Concept replaces", reverse: "Concept replaced by" },
  ],
  [
    { id: "Concept same_as to", name: "Concept same_as to", reverse: "Concept same_as from" },
    { id: "Concept same_as from", name: "Concept same_as from", reverse: "Concept same_as to" },
  ],
  [
    { id: "Has tradename", name: "Has tradename (RxNorm)", reverse: "Tradename of" },
    { id: "Tradename of", name: "Tradename of (RxNorm)", reverse: "Has tradename" },
  ],
  [
    { id: "Followed by", name: "Followed by", reverse: "Follows" },
    { id: "Follows", name: "Follows", reverse: "Followed by" },
  ],
  [
    { id: "Occurs after", name: "Occurs after (SNOMED)", reverse: "Occurs before" },
    { id: "Occurs before", name: "Occurs before (SNOMED)", reverse: "Occurs after" },
  ],
  [
    { id: "Part of", name: "Part of", reverse: "Has part" },
    { id: "Has part", name: "Has part", reverse: "Part of" },
  ],
]

const knownRelationships = new Map<string, KnownRelationship>(
  pairs.flatMap(([a, b]) => [
    [a.id, a],
    [b.id, b],
  ]),
)

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
const decapitalise = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

/**
 * SNOMED-style attribute pairs follow "Has X" <-> "X of" ("Has due to" / "Due to of"), so an
 * unknown id still gets a plausible reverse; anything else is its own reverse.
 */
const guessReverse = (id: string): string => {
  if (id.startsWith("Has ")) return capitalise(id.slice(4)) + " of"
  if (id.endsWith(" of")) return "Has " + decapitalise(id.slice(0, -3))
  return id
}

export const relationshipTypeFor = (id: string): RelationshipType => {
  const known = knownRelationships.get(id)
  return {
    relationship_id: id,
    relationship_name: known?.name ?? id,
    is_hierarchical: known?.hierarchical ?? false,
    defines_ancestry: known?.definesAncestry ?? false,
    reverse_relationship_id: known?.reverse ?? guessReverse(id),
    relationship_concept_id: 0,
  }
}

export const knownVocabularyNames: Readonly<Record<string, string>> = {
  SNOMED: "Systematic Nomenclature of Medicine - Clinical Terms (IHTSDO)",
  ICD10CM: "International Classification of Diseases, Tenth Revision, Clinical Modification (NCHS)",
  ICD10: "International Classification of Diseases, Tenth Revision (WHO)",
  ICD9CM: "International Classification of Diseases, Ninth Revision, Clinical Modification (NCHS)",
  RxNorm: "RxNorm (NLM)",
  "RxNorm Extension": "RxNorm Extension (OMOP)",
  LOINC: "Logical Observation Identifiers Names and Codes (Regenstrief Institute)",
  UCUM: "Unified Code for Units of Measure (Regenstrief Institute)",
  CVX: "CDC Vaccine Administered CVX (NCIRD)",
  Visit: "OMOP Visit",
  Ethnicity: "OMOP Ethnicity",
  Race: "Race and Ethnicity Code Set (USBC)",
  Gender: "OMOP Gender",
}

/** OMOP domain concept ids (the concepts of class "Domain"). */
export const knownDomainConceptIds: Readonly<Record<string, number>> = {
  Gender: 2,
  Race: 3,
  Ethnicity: 4,
  Visit: 8,
  Procedure: 10,
  Drug: 13,
  Unit: 16,
  Device: 17,
  Condition: 19,
  Measurement: 21,
  Observation: 27,
  "Type Concept": 58,
}
