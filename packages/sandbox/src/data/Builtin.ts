/**
 * The small default vocabulary served when no Athena directory is given. Written by hand from
 * public OMOP facts (concept ids, codes and names as published in the OHDSI vocabularies); the
 * hierarchy is simplified to a few levels. It covers the ids the official SDK test suites use, a
 * non-standard source mapped with 'Maps to', a drug ingredient with a clinical drug, a LOINC test and
 * UCUM units whose codes need path encoding ('/', '%', '{', '[', spaces, '+', case pairs).
 */
import { buildRelease } from "./BuildRelease.ts"
import type { Concept, ConceptRelationshipRow, ConceptSynonymRow, VocabularyRelease } from "./Release.ts"

type ConceptRow = readonly [
  id: number,
  name: string,
  domain: string,
  vocabulary: string,
  conceptClass: string,
  standard: "S" | "C" | null,
  code: string,
  validStart?: string,
]

const conceptRows: ReadonlyArray<ConceptRow> = [
  // SNOMED conditions, from the root down
  [441840, "Clinical finding", "Condition", "SNOMED", "Clinical Finding", "S", "404684003"],
  [4274025, "Disease", "Condition", "SNOMED", "Clinical Finding", "S", "64572001"],
  [201820, "Diabetes mellitus", "Condition", "SNOMED", "Clinical Finding", "S", "73211009"],
  [201826, "Type 2 diabetes mellitus", "Condition", "SNOMED", "Clinical Finding", "S", "44054006"],
  [
    4193704,
    "Type 2 diabetes mellitus without complication",
    "Condition",
    "SNOMED",
    "Clinical Finding",
    "S",
    "313436004",
  ],
  [443238, "Diabetic - poor control", "Condition", "SNOMED", "Clinical Finding", "S", "268519009"],
  [
    4196413,
    "Type 2 diabetes mellitus with renal complication",
    "Condition",
    "SNOMED",
    "Clinical Finding",
    "S",
    "313435000",
  ],
  [316866, "Hypertensive disorder", "Condition", "SNOMED", "Clinical Finding", "S", "38341003"],
  [320128, "Essential hypertension", "Condition", "SNOMED", "Clinical Finding", "S", "59621000"],
  [4329847, "Myocardial infarction", "Condition", "SNOMED", "Clinical Finding", "S", "22298006"],
  [312327, "Acute myocardial infarction", "Condition", "SNOMED", "Clinical Finding", "S", "57054005"],
  [37311061, "COVID-19", "Condition", "SNOMED", "Clinical Finding", "S", "840539006", "2020-01-31"],
  [40481087, "Viral sinusitis", "Condition", "SNOMED", "Clinical Finding", "S", "444814009"],
  // SNOMED procedures and observations
  [4013010, "Administration of intravenous fluids", "Procedure", "SNOMED", "Procedure", "S", "103744005"],
  [4014024, "Heparin therapy", "Procedure", "SNOMED", "Procedure", "S", "103746007"],
  [4022661, "Housing problem", "Observation", "SNOMED", "Clinical Finding", "S", "105531004"],
  [4008070, "Latex", "Observation", "SNOMED", "Substance", "S", "111088007"],
  // ICD10CM sources, non-standard, mapped to SNOMED
  [1567956, "Type 2 diabetes mellitus", "Condition", "ICD10CM", "3-char nonbill code", null, "E11"],
  [
    45576876,
    "Type 2 diabetes mellitus without complications",
    "Condition",
    "ICD10CM",
    "4-char billing code",
    null,
    "E11.9",
  ],
  [35207668, "Essential (primary) hypertension", "Condition", "ICD10CM", "3-char billing code", null, "I10"],
  // RxNorm
  [1503297, "metformin", "Drug", "RxNorm", "Ingredient", "S", "6809"],
  [1503328, "metformin hydrochloride 500 MG Oral Tablet", "Drug", "RxNorm", "Clinical Drug", "S", "861007"],
  [1112807, "aspirin", "Drug", "RxNorm", "Ingredient", "S", "1191"],
  [19059056, "aspirin 81 MG Oral Tablet", "Drug", "RxNorm", "Clinical Drug", "S", "243670"],
  // LOINC
  [3000483, "Glucose [Mass/volume] in Blood", "Measurement", "LOINC", "Lab Test", "S", "2339-0"],
  [3004501, "Glucose [Mass/volume] in Serum or Plasma", "Measurement", "LOINC", "Lab Test", "S", "2345-7"],
  [3004410, "Hemoglobin A1c/Hemoglobin.total in Blood", "Measurement", "LOINC", "Lab Test", "S", "4548-4"],
  // UCUM units: codes with '/', '%', '{', '[', spaces, '+', and a case pair
  [8840, "milligram per deciliter", "Unit", "UCUM", "Unit", "S", "mg/dL"],
  [8554, "percent", "Unit", "UCUM", "Unit", "S", "%"],
  [8784, "cells per microliter", "Unit", "UCUM", "Unit", "S", "{cells}/uL"],
  [45744812, "cells", "Unit", "UCUM", "Unit", "S", "{cells}"],
  [9327, "inch (international)", "Unit", "UCUM", "Unit", "S", "[in_i]"],
  [8876, "millimeter mercury column", "Unit", "UCUM", "Unit", "S", "mm[Hg]"],
  [9593, "millisecond", "Unit", "UCUM", "Unit", "S", "ms"],
  [9592, "megasecond", "Unit", "UCUM", "Unit", "S", "Ms"],
  [720866, "millibar per centimeter of water", "Unit", "UCUM", "Unit", "S", "ml/cm [H2O]"],
  [8659, "percent CD19+ cells", "Unit", "UCUM", "Unit", "S", "%{CD19+'cells}"],
]

const toConcept = ([
  id,
  name,
  domain,
  vocabulary,
  conceptClass,
  standard,
  code,
  validStart,
]: ConceptRow): Concept => ({
  concept_id: id,
  concept_name: name,
  domain_id: domain,
  vocabulary_id: vocabulary,
  concept_class_id: conceptClass,
  standard_concept: standard,
  concept_code: code,
  // SNOMED concepts in OMOP start at the 2002-01-31 SNOMED CT release; the others at 1970-01-01.
  valid_start_date: validStart ?? (vocabulary === "SNOMED" ? "2002-01-31" : "1970-01-01"),
  valid_end_date: "2099-12-31",
  invalid_reason: null,
})

/** Forward edges; each is stored with its reverse, as Athena's CONCEPT_RELATIONSHIP does. */
const edges: ReadonlyArray<readonly [number, string, string, number]> = [
  [201826, "Is a", "Subsumes", 201820],
  [201820, "Is a", "Subsumes", 4274025],
  [4274025, "Is a", "Subsumes", 441840],
  [4193704, "Is a", "Subsumes", 201826],
  [443238, "Is a", "Subsumes", 201826],
  [4196413, "Is a", "Subsumes", 201826],
  [316866, "Is a", "Subsumes", 4274025],
  [320128, "Is a", "Subsumes", 316866],
  [4329847, "Is a", "Subsumes", 4274025],
  [312327, "Is a", "Subsumes", 4329847],
  [37311061, "Is a", "Subsumes", 4274025],
  [40481087, "Is a", "Subsumes", 4274025],
  [45576876, "Maps to", "Mapped from", 201826],
  [1567956, "Maps to", "Mapped from", 201826],
  [35207668, "Maps to", "Mapped from", 320128],
  [1503328, "RxNorm has ing", "RxNorm ing of", 1503297],
  [1503328, "Has ingredient", "Ingredient of", 1503297],
  [19059056, "RxNorm has ing", "RxNorm ing of", 1112807],
  [19059056, "Has ingredient", "Ingredient of", 1112807],
  [3004501, "Is a", "Subsumes", 3000483],
]

const relationshipRow = (from: number, relationship: string, to: number): ConceptRelationshipRow => ({
  concept_id_1: from,
  concept_id_2: to,
  relationship_id: relationship,
  valid_start_date: "1970-01-01",
  valid_end_date: "2099-12-31",
  invalid_reason: null,
})

const concepts = conceptRows.map(toConcept)

// Standard concepts map to themselves, as in OMOP.
const selfMaps = concepts
  .filter((concept) => concept.standard_concept === "S")
  .flatMap((concept) => [
    relationshipRow(concept.concept_id, "Maps to", concept.concept_id),
    relationshipRow(concept.concept_id, "Mapped from", concept.concept_id),
  ])

const relationships = [
  ...edges.flatMap(([from, forward, reverse, to]) => [
    relationshipRow(from, forward, to),
    relationshipRow(to, reverse, from),
  ]),
  ...selfMaps,
]

/** English, as OMOP's language_concept_id. */
const english = 4180186

const synonymRows: ReadonlyArray<readonly [number, string]> = [
  [201826, "Type II diabetes mellitus"],
  [201826, "Non-insulin dependent diabetes mellitus"],
  [201826, "NIDDM - Non-insulin dependent diabetes mellitus"],
  [316866, "Hypertension"],
  [316866, "High blood pressure"],
  [4329847, "Heart attack"],
  [37311061, "Disease caused by severe acute respiratory syndrome coronavirus 2"],
  [1112807, "acetylsalicylic acid"],
]

const synonyms: ConceptSynonymRow[] = synonymRows.map(([conceptId, name]) => ({
  concept_id: conceptId,
  concept_synonym_name: name,
  language_concept_id: english,
}))

/**
 * The small built-in vocabulary as a release named `name`: a few dozen SNOMED, ICD10CM, RxNorm,
 * LOINC and UCUM concepts with their hierarchy, mappings and synonyms. Served when no Athena
 * directory is given; enough for tests that need known ids (e.g. 201826, type 2 diabetes).
 */
export function builtinRelease(name: string): VocabularyRelease {
  return buildRelease(name, { concepts, relationships, synonyms })
}
