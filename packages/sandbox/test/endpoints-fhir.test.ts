import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type EndpointClient, startEndpointClient } from "./support/EndpointClient.ts"

let client: EndpointClient

beforeAll(async () => {
  client = await startEndpointClient()
})
afterAll(async () => {
  await client.close()
})

const snomed = "http://snomed.info/sct"
const icd10cm = "http://hl7.org/fhir/sid/icd-10-cm"
const loinc = "http://loinc.org"
const rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"

describe("POST /fhir/resolve", () => {
  it("resolves a standard SNOMED code directly", async () => {
    const reply = await client.post("/fhir/resolve", {
      system: snomed,
      code: "44054006",
      resource_type: "Condition",
    })
    expect(reply.status).toBe(200)
    expect(reply.body.data.input).toEqual({ system: snomed, code: "44054006", resource_type: "Condition" })
    const source = {
      concept_id: 201826,
      concept_name: "Type 2 diabetes mellitus",
      concept_code: "44054006",
      vocabulary_id: "SNOMED",
      domain_id: "Condition",
      concept_class_id: "Clinical Finding",
      standard_concept: "S",
    }
    expect(reply.body.data.resolution).toEqual({
      vocabulary_id: "SNOMED",
      source_concept: source,
      standard_concept: source,
      mapping_type: "direct",
      target_table: "condition_occurrence",
      domain_resource_alignment: "aligned",
    })
  })

  it("follows 'Maps to' for ICD10CM E11.9, by system or by vocabulary_id", async () => {
    for (const body of [
      { system: icd10cm, code: "E11.9", include_quality: true },
      { vocabulary_id: "ICD10CM", code: "E11.9", include_quality: true },
    ]) {
      const reply = await client.post("/fhir/resolve", body)
      expect(reply.status).toBe(200)
      expect(reply.body.data.resolution).toMatchObject({
        vocabulary_id: "ICD10CM",
        source_concept: { concept_id: 45576876, vocabulary_id: "ICD10CM", standard_concept: null },
        standard_concept: { concept_id: 201826, vocabulary_id: "SNOMED", standard_concept: "S" },
        mapping_type: "mapped",
        relationship_id: "Maps to",
        target_table: "condition_occurrence",
        domain_resource_alignment: "not_checked",
        mapping_quality: "high",
      })
    }
  })

  it("derives the target table from the domain", async () => {
    const cases = [
      [{ system: loinc, code: "2339-0" }, "measurement"],
      [{ system: rxnorm, code: "6809" }, "drug_exposure"],
      [{ system: snomed, code: "103744005" }, "procedure_occurrence"],
      [{ system: snomed, code: "105531004" }, "observation"],
    ] as const
    for (const [body, table] of cases) {
      const reply = await client.post("/fhir/resolve", body)
      expect(reply.body.data.resolution.target_table, body.code).toBe(table)
    }
  })

  it("flags a domain that does not fit the resource type", async () => {
    const reply = await client.post("/fhir/resolve", {
      system: loinc,
      code: "2339-0",
      resource_type: "Condition",
    })
    expect(reply.body.data.resolution.domain_resource_alignment).toBe("misaligned")
  })

  it("falls back to a similarity match on display alone", async () => {
    const reply = await client.post("/fhir/resolve", { display: "heart attack", resource_type: "Condition" })
    expect(reply.body.data.resolution).toMatchObject({
      mapping_type: "semantic_match",
      standard_concept: { concept_id: 4329847 },
      similarity_score: 1,
    })
  })

  it("adds recommendations within recommendations_limit (1 to 20)", async () => {
    const reply = await client.post("/fhir/resolve", {
      system: snomed,
      code: "44054006",
      include_recommendations: true,
      recommendations_limit: 2,
    })
    const recommendations = reply.body.data.resolution.recommendations
    expect(recommendations).toHaveLength(2)
    expect(recommendations[0]).toMatchObject({
      concept_id: expect.any(Number),
      relationship_id: expect.any(String),
    })
    for (const limit of [0, 21]) {
      const bad = await client.post("/fhir/resolve", {
        system: snomed,
        code: "44054006",
        recommendations_limit: limit,
      })
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe("validation_error")
    }
  })

  it("answers unmapped codes with 404, or the concept 0 sentinel on request", async () => {
    const missing = await client.post("/fhir/resolve", { system: snomed, code: "000000" })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe("concept_not_found")
    const sentinel = await client.post("/fhir/resolve", {
      system: snomed,
      code: "000000",
      on_unmapped: "sentinel",
    })
    expect(sentinel.status).toBe(200)
    expect(sentinel.body.data.resolution.standard_concept.concept_id).toBe(0)
    expect(sentinel.body.data.resolution.target_table).toBeNull()
  })

  it("rejects unknown systems, missing input and restricted vocabularies", async () => {
    const unknown = await client.post("/fhir/resolve", {
      system: "http://snomed.info/sctt",
      code: "44054006",
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.code).toBe("unknown_system")
    expect(unknown.body.error.message).toContain(snomed)
    const empty = await client.post("/fhir/resolve", { code: "44054006" })
    expect(empty.status).toBe(400)
    expect(empty.body.error.code).toBe("missing_input")
    const cpt = await client.post("/fhir/resolve", {
      system: "http://www.ama-assn.org/go/cpt",
      code: "99213",
    })
    expect(cpt.status).toBe(403)
    expect(cpt.body.error.code).toBe("vocabulary_restricted")
    expect(
      (await client.post("/fhir/resolve", { system: snomed, code: "1", resource_type: "Patient" })).status,
    ).toBe(400)
    expect((await client.postRaw("/fhir/resolve", "{")).body.error.code).toBe("bad_request")
  })

  it("resolves synthea UCUM codes through 'Maps to'", async () => {
    const reply = await client.post("/fhir/resolve?vocab_release=synthea", {
      system: "http://unitsofmeasure.org",
      code: "{molar}",
    })
    expect(reply.body.data.resolution).toMatchObject({
      mapping_type: "mapped",
      source_concept: { concept_id: 8520 },
      standard_concept: { concept_id: 9586 },
    })
  })
})

describe("POST /fhir/resolve/batch", () => {
  it("resolves each coding and summarises, with failures in place", async () => {
    const reply = await client.post("/fhir/resolve/batch", {
      codings: [
        { system: snomed, code: "44054006" },
        { system: icd10cm, code: "E11.9" },
        { system: "http://example.org/unknown", code: "x" },
        { system: snomed, code: "000000" },
      ],
    })
    expect(reply.status).toBe(200)
    const { results, summary } = reply.body.data
    expect(summary).toEqual({ total: 4, resolved: 2, failed: 2 })
    expect(summary.resolved + summary.failed).toBe(summary.total)
    expect(results[1].resolution.standard_concept.concept_id).toBe(201826)
    expect(results[2]).toMatchObject({ error: { code: "unknown_system" } })
    expect(results[2].resolution).toBeUndefined()
    expect(results[3]).toMatchObject({ error: { code: "concept_not_found" } })
  })

  it("allows 1 to 100 codings", async () => {
    const codings = (count: number) =>
      Array.from({ length: count }, () => ({ system: snomed, code: "44054006" }))
    expect((await client.post("/fhir/resolve/batch", { codings: codings(100) })).status).toBe(200)
    const tooMany = await client.post("/fhir/resolve/batch", { codings: codings(101) })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error.code).toBe("validation_error")
    expect((await client.post("/fhir/resolve/batch", { codings: [] })).status).toBe(400)
  })
})

describe("POST /fhir/resolve/codeable-concept", () => {
  it("prefers SNOMED over ICD-10 and reports unresolved codings", async () => {
    const reply = await client.post("/fhir/resolve/codeable-concept", {
      coding: [
        { system: icd10cm, code: "E11.9" },
        { system: snomed, code: "44054006" },
        { system: snomed, code: "000000" },
      ],
    })
    expect(reply.status).toBe(200)
    expect(reply.body.data.best_match.resolution.vocabulary_id).toBe("SNOMED")
    expect(reply.body.data.alternatives).toHaveLength(1)
    expect(reply.body.data.alternatives[0].resolution.vocabulary_id).toBe("ICD10CM")
    expect(reply.body.data.unresolved).toHaveLength(1)
  })

  it("lets user_selected win, falls back to text, and caps codings at 20", async () => {
    const selected = await client.post("/fhir/resolve/codeable-concept", {
      coding: [
        { system: snomed, code: "44054006" },
        { system: icd10cm, code: "E11.9", user_selected: true },
      ],
    })
    expect(selected.body.data.best_match.resolution.vocabulary_id).toBe("ICD10CM")
    const text = await client.post("/fhir/resolve/codeable-concept", { text: "essential hypertension" })
    expect(text.body.data.best_match.resolution.standard_concept.concept_id).toBe(320128)
    const nothing = await client.post("/fhir/resolve/codeable-concept", {
      coding: [{ system: snomed, code: "000000" }],
    })
    expect(nothing.body.data.best_match).toBeNull()
    const tooMany = Array.from({ length: 21 }, () => ({ system: snomed, code: "44054006" }))
    expect((await client.post("/fhir/resolve/codeable-concept", { coding: tooMany })).status).toBe(400)
    const empty = await client.post("/fhir/resolve/codeable-concept", {})
    expect(empty.status).toBe(400)
    expect(empty.body.error.code).toBe("missing_input")
  })
})
