import { describe, expect, it } from "vitest"
import { builtinRelease } from "../src/data/Builtin.ts"
import { lexicalScore, similarityScore } from "../src/data/Scoring.ts"

describe("builtinRelease", () => {
  const release = builtinRelease("2025.2")

  it("holds the concepts the SDK test suites use", () => {
    expect(release.name).toBe("2025.2")
    for (const id of [
      201826, 201820, 4193704, 443238, 4196413, 1112807, 316866, 37311061, 4329847, 312327, 320128, 45576876,
    ]) {
      expect(release.concepts.has(id), String(id)).toBe(true)
    }
    expect(release.conceptsByCode.get("SNOMED")?.get("44054006")?.concept_id).toBe(201826)
    expect(release.conceptsByCode.get("ICD10CM")?.get("E11.9")).toMatchObject({
      concept_id: 45576876,
      standard_concept: null,
    })
    expect(release.conceptsByCode.get("LOINC")?.get("2339-0")?.concept_name).toBe(
      "Glucose [Mass/volume] in Blood",
    )
    for (const code of ["mg/dL", "%", "{cells}/uL", "[in_i]", "ms", "Ms", "ml/cm [H2O]", "%{CD19+'cells}"]) {
      expect(release.conceptsByCode.get("UCUM")?.has(code), code).toBe(true)
    }
    expect([...release.vocabularies.keys()]).toEqual(["ICD10CM", "LOINC", "RxNorm", "SNOMED", "UCUM"])
    for (const domain of ["Condition", "Drug", "Measurement", "Procedure", "Unit", "Observation"]) {
      expect(release.domains.has(domain), domain).toBe(true)
    }
  })

  it("maps ICD10CM sources to the SNOMED standard and links metformin to its clinical drug", () => {
    const mapsTo = (id: number) =>
      (release.relationshipsFrom.get(id) ?? [])
        .filter((row) => row.relationship_id === "Maps to")
        .map((row) => row.concept_id_2)
    expect(mapsTo(45576876)).toEqual([201826])
    expect(mapsTo(1567956)).toEqual([201826])
    const ingredientOf = (release.relationshipsFrom.get(1503297) ?? []).filter(
      (row) => row.relationship_id === "RxNorm ing of",
    )
    expect(ingredientOf.map((row) => release.concepts.get(row.concept_id_2)?.concept_name)).toEqual([
      "metformin hydrochloride 500 MG Oral Tablet",
    ])
  })

  it("derives the hierarchy with levels", () => {
    const ancestors = new Map(
      (release.ancestorsOf.get(4193704) ?? []).map((row) => [
        row.ancestor_concept_id,
        row.min_levels_of_separation,
      ]),
    )
    expect(Object.fromEntries(ancestors)).toEqual({ 4193704: 0, 201826: 1, 201820: 2, 4274025: 3, 441840: 4 })
  })
})

describe("scoring", () => {
  it("ranks exact over prefix over substring over scattered tokens and requires every token", () => {
    const score = (query: string, name: string) =>
      lexicalScore(query, [name.toLowerCase()], "CODE")?.score ?? 0
    const exact = score("diabetes mellitus", "Diabetes mellitus")
    const prefix = score("diabetes", "Diabetes mellitus")
    const substring = score("mellitus", "Type 2 diabetes mellitus")
    const tokens = score("mellitus type", "Type 2 diabetes mellitus")
    expect(exact).toBe(1)
    expect(prefix).toBeLessThan(exact)
    expect(substring).toBeLessThan(prefix)
    expect(tokens).toBeLessThan(substring)
    expect(tokens).toBeGreaterThan(0)
    expect(lexicalScore("diabetes heart", ["type 2 diabetes mellitus"], "x")).toBeUndefined()
    expect(lexicalScore("e11.9", ["whatever"], "E11.9")).toMatchObject({ score: 1, matchType: "code" })
  })

  it("gives a similarity in [0, 1] that is 1 for identical text", () => {
    expect(similarityScore("Heart attack", ["heart attack"]).score).toBe(1)
    const partial = similarityScore("diabetes", ["type 2 diabetes mellitus"]).score
    expect(partial).toBeGreaterThan(0.5)
    expect(partial).toBeLessThan(1)
    expect(similarityScore("zzzz", ["type 2 diabetes mellitus"]).score).toBe(0)
  })
})
