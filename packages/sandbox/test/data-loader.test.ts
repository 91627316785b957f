import { mkdtemp, rm, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { loadAthenaRelease, VocabularyLoadError } from "../src/data/AthenaLoader.ts"
import { syntheaDir } from "./support/EndpointClient.ts"

const conceptHeader =
  "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason"
const relationshipHeader =
  "concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\tinvalid_reason"

const concept = (id: number, name: string, code = String(id), standard = "S") =>
  `${id}\t${name}\tCondition\tSNOMED\tClinical Finding\t${standard}\t${code}\t20020131\t20991231\t`
const isA = (child: number, parent: number) => `${child}\t${parent}\tIs a\t20020131\t20991231\t`

const tempDirs: string[] = []
const fixture = async (files: Record<string, string[]>): Promise<string> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "omophub-sandbox-data-"))
  tempDirs.push(dir)
  for (const [name, lines] of Object.entries(files))
    await writeFile(path.join(dir, name), `${lines.join("\n")}\n`)
  return dir
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

const loadError = async (dir: string): Promise<VocabularyLoadError> => {
  const error = await loadAthenaRelease(dir, "bad").then(
    () => undefined,
    (cause: unknown) => cause,
  )
  expect(error).toBeInstanceOf(VocabularyLoadError)
  return error as VocabularyLoadError
}

describe("loadAthenaRelease on synthea27nj", () => {
  it("loads every concept and relationship quickly, with ISO dates", async () => {
    const startedAt = performance.now()
    const release = await loadAthenaRelease(syntheaDir, "synthea")
    const elapsed = performance.now() - startedAt
    expect(elapsed).toBeLessThan(1000)
    expect(release.name).toBe("synthea")
    expect(release.concepts.size).toBe(2294)
    const relationshipCount = [...release.relationshipsFrom.values()].reduce(
      (sum, rows) => sum + rows.length,
      0,
    )
    expect(relationshipCount).toBe(5178)
    expect(release.concepts.get(201826)).toEqual({
      concept_id: 201826,
      concept_name: "Type 2 diabetes mellitus",
      domain_id: "Condition",
      vocabulary_id: "SNOMED",
      concept_class_id: "Clinical Finding",
      standard_concept: "S",
      concept_code: "44054006",
      valid_start_date: "2002-01-31",
      valid_end_date: "2099-12-31",
      invalid_reason: null,
    })
    // A non-standard, invalidated row keeps null/U as read.
    expect(release.concepts.get(40316773)).toMatchObject({ standard_concept: null, invalid_reason: "U" })
  })

  it("derives the missing tables from the data", async () => {
    const release = await loadAthenaRelease(syntheaDir, "synthea")
    expect([...release.vocabularies.keys()]).toEqual([
      "Ethnicity",
      "LOINC",
      "RxNorm",
      "SNOMED",
      "UCUM",
      "Visit",
    ])
    expect(release.vocabularies.get("SNOMED")?.vocabulary_name).toContain(
      "Systematic Nomenclature of Medicine",
    )
    expect(release.domains.get("Condition")).toEqual({
      domain_id: "Condition",
      domain_name: "Condition",
      domain_concept_id: 19,
    })
    expect(release.conceptClasses.has("Clinical Finding")).toBe(true)
    expect(release.relationshipTypes.get("Maps to")).toMatchObject({ reverse_relationship_id: "Mapped from" })
    expect(release.relationshipTypes.get("Is a")).toMatchObject({
      reverse_relationship_id: "Subsumes",
      is_hierarchical: true,
    })
    // An SNOMED attribute pair not in the known list still pairs up by name.
    expect(release.relationshipTypes.get("Has due to")?.reverse_relationship_id).toBe("Due to of")
    // Case pairs stay distinct in the by-code index.
    expect(release.conceptsByCode.get("UCUM")?.get("ms")?.concept_id).toBe(9593)
    expect(release.conceptsByCode.get("UCUM")?.get("Ms")?.concept_id).toBe(9592)
  })
})

describe("ancestor closure", () => {
  it("is the transitive closure of 'Is a' with min and max separation and level-0 self rows", async () => {
    // 4 -> 3 -> 2 -> 1 and a shortcut 4 -> 1; 5 is standard but outside the hierarchy.
    const dir = await fixture({
      "CONCEPT.csv": [
        conceptHeader,
        concept(1, "Root"),
        concept(2, "Mid"),
        concept(3, "Low"),
        concept(4, "Leaf"),
        concept(5, "Alone"),
      ],
      "CONCEPT_RELATIONSHIP.csv": [relationshipHeader, isA(2, 1), isA(3, 2), isA(4, 3), isA(4, 1)],
    })
    const release = await loadAthenaRelease(dir, "closure")
    const ancestorsOfLeaf = (release.ancestorsOf.get(4) ?? []).map((row) => [
      row.ancestor_concept_id,
      row.min_levels_of_separation,
      row.max_levels_of_separation,
    ])
    expect(ancestorsOfLeaf.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual([
      [1, 1, 3],
      [2, 2, 2],
      [3, 1, 1],
      [4, 0, 0],
    ])
    expect((release.descendantsOf.get(1) ?? []).map((row) => row.descendant_concept_id).sort()).toEqual([
      1, 2, 3, 4,
    ])
    expect(release.ancestorsOf.get(5)).toEqual([
      {
        ancestor_concept_id: 5,
        descendant_concept_id: 5,
        min_levels_of_separation: 0,
        max_levels_of_separation: 0,
      },
    ])
  })

  it("survives a cycle in bad data", async () => {
    const dir = await fixture({
      "CONCEPT.csv": [conceptHeader, concept(1, "A"), concept(2, "B")],
      "CONCEPT_RELATIONSHIP.csv": [relationshipHeader, isA(1, 2), isA(2, 1)],
    })
    const release = await loadAthenaRelease(dir, "cycle")
    expect(release.ancestorsOf.get(1)?.some((row) => row.ancestor_concept_id === 2)).toBe(true)
  })

  it("uses a supplied CONCEPT_ANCESTOR and VOCABULARY table instead of deriving", async () => {
    const dir = await fixture({
      "CONCEPT.csv": [conceptHeader, concept(1, "A"), concept(2, "B")],
      "CONCEPT_ANCESTOR.csv": [
        "ancestor_concept_id\tdescendant_concept_id\tmin_levels_of_separation\tmax_levels_of_separation",
        "1\t2\t1\t1",
      ],
      "VOCABULARY.csv": [
        "vocabulary_id\tvocabulary_name\tvocabulary_reference\tvocabulary_version\tvocabulary_concept_id",
        "SNOMED\tMy SNOMED\thttp://example.org\t2025-01\t44819097",
      ],
    })
    const release = await loadAthenaRelease(dir, "supplied")
    expect(release.descendantsOf.get(1)).toEqual([
      {
        ancestor_concept_id: 1,
        descendant_concept_id: 2,
        min_levels_of_separation: 1,
        max_levels_of_separation: 1,
      },
    ])
    expect(release.vocabularies.get("SNOMED")).toMatchObject({
      vocabulary_name: "My SNOMED",
      vocabulary_version: "2025-01",
    })
  })
})

describe("malformed input", () => {
  it.each([
    [
      "a non-integer concept_id",
      `x1\tName\tCondition\tSNOMED\tClinical Finding\tS\tc\t20020131\t20991231\t`,
      /concept_id is not an integer/,
    ],
    [
      "a missing field",
      `7\tName\tCondition\tSNOMED\tClinical Finding\tS\tc\t20020131\t20991231`,
      /expected 10 tab-separated fields, found 9/,
    ],
    [
      "a bad date",
      `7\tName\tCondition\tSNOMED\tClinical Finding\tS\tc\t2002-13-45\t20991231\t`,
      /valid_start_date/,
    ],
    [
      "a bad standard flag",
      `7\tName\tCondition\tSNOMED\tClinical Finding\tX\tc\t20020131\t20991231\t`,
      /standard_concept/,
    ],
    [
      "an empty name",
      `7\t\tCondition\tSNOMED\tClinical Finding\tS\tc\t20020131\t20991231\t`,
      /empty concept_name/,
    ],
    ["a duplicate id", concept(1, "Again"), /duplicate concept_id 1/],
  ])("names file and line for %s", async (_label, badRow, reason) => {
    const dir = await fixture({ "CONCEPT.csv": [conceptHeader, concept(1, "Fine"), badRow] })
    const error = await loadError(dir)
    expect(error.message).toContain(`${path.join(dir, "CONCEPT.csv")}:3:`)
    expect(error.message).toMatch(reason)
    expect(error.line).toBe(3)
  })

  it("names the relationship file for a bad relationship row", async () => {
    const dir = await fixture({
      "CONCEPT.csv": [conceptHeader, concept(1, "A")],
      "CONCEPT_RELATIONSHIP.csv": [relationshipHeader, isA(1, 1), "1\tnope\tIs a\t20020131\t20991231\t"],
    })
    expect((await loadError(dir)).message).toMatch(
      /CONCEPT_RELATIONSHIP\.csv:3: concept_id_2 is not an integer/,
    )
  })

  it("rejects a header without the required columns", async () => {
    const dir = await fixture({ "CONCEPT.csv": ["concept_id\tconcept_name", "1\tA"] })
    expect((await loadError(dir)).message).toMatch(/CONCEPT\.csv:1: header lacks domain_id/)
  })

  it("requires CONCEPT.csv and an existing directory", async () => {
    const empty = await fixture({})
    expect((await loadError(empty)).message).toMatch(/CONCEPT\.csv: is missing/)
    expect((await loadError(path.join(empty, "nowhere"))).message).toMatch(/not a readable directory/)
  })
})
