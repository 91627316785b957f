import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type EndpointClient,
  expectPaginationInvariants,
  startEndpointClient,
} from "./support/EndpointClient.ts"

let client: EndpointClient
const synthea = { vocab_release: "synthea" }

beforeAll(async () => {
  client = await startEndpointClient()
})
afterAll(async () => {
  await client.close()
})

describe("GET /concepts/{id}", () => {
  it("returns the concept row from the synthea release", async () => {
    const reply = await client.get("/concepts/201826", synthea)
    expect(reply.status).toBe(200)
    expect(reply.body.success).toBe(true)
    expect(reply.body.data).toEqual({
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
    expect(reply.body.meta.vocab_release).toBe("synthea")
    expect(reply.body.meta.pagination).toBeUndefined()
  })

  it("adds synonyms, parents/children and hierarchy when asked", async () => {
    const reply = await client.get("/concepts/201826", {
      include_synonyms: true,
      include_relationships: true,
      include_hierarchy: true,
    })
    const data = reply.body.data
    expect(data.synonyms).toContainEqual({
      concept_synonym_name: "Type II diabetes mellitus",
      language_concept_id: 4180186,
      language_concept_name: "English",
    })
    expect(data.relationships.parents).toEqual([
      { concept_id: 201820, concept_name: "Diabetes mellitus", relationship_id: "Is a" },
    ])
    expect(
      data.relationships.children
        .map((child: { concept_id: number }) => child.concept_id)
        .sort((a: number, b: number) => a - b),
    ).toEqual([443238, 4193704, 4196413])
    expect(data.hierarchy.ancestors.map((node: { concept_id: number }) => node.concept_id)).toEqual([
      201820, 4274025, 441840,
    ])
    expect(data.hierarchy.descendants).toHaveLength(3)
    const plain = await client.get("/concepts/201826")
    expect(Object.keys(plain.body.data)).not.toContain("synonyms")
  })

  it("rejects ids that are not non-negative integers and 404s unknown ids", async () => {
    for (const bad of ["abc", "-5", "1.5", "12abc"]) {
      const reply = await client.get(`/concepts/${bad}`)
      expect(reply.status, bad).toBe(400)
      expect(reply.body.error.code).toBe("validation_error")
    }
    const missing = await client.get("/concepts/999999999")
    expect(missing.status).toBe(404)
    expect(missing.body.error).toMatchObject({ code: "not_found", details: { concept_id: 999999999 } })
    expect(missing.headers.get("x-request-id")).toBe(missing.body.meta.request_id)
    expect((await client.get("/concepts/0")).status).toBe(404)
    expect((await client.get("/concepts/201826", { include_synonyms: "maybe" })).status).toBe(400)
  })
})

describe("GET /concepts/by-code/{vocabulary_id}/{code}", () => {
  const byCode = (vocabulary: string, code: string) =>
    client.get(`/concepts/by-code/${encodeURIComponent(vocabulary)}/${encodeURIComponent(code)}`, synthea)

  it.each([
    ["SNOMED", "44054006", 201826],
    ["UCUM", "mg/dL", 8840],
    ["UCUM", "%", 8554],
    ["UCUM", "{cells}", 45744812],
    ["UCUM", "{cells}/uL", 8784],
    ["UCUM", "[in_i]", 9327],
    ["UCUM", "ms", 9593],
    ["UCUM", "Ms", 9592],
    ["UCUM", "ml/cm [H2O]", 720866],
    ["UCUM", "%{CD19+'cells}", 8659],
    ["UCUM", "10*6.{cells}/L", 44777586],
    ["Ethnicity", "Not Hispanic", 38003564],
  ])("%s %s resolves exactly", async (vocabulary, code, conceptId) => {
    const reply = await byCode(vocabulary, code)
    expect(reply.status).toBe(200)
    expect(reply.body.data).toMatchObject({
      concept_id: conceptId,
      concept_code: code,
      vocabulary_id: vocabulary,
    })
  })

  it("is case-sensitive on the code and 404s unknown codes and vocabularies", async () => {
    expect((await byCode("UCUM", "MS")).status).toBe(404)
    expect((await byCode("UCUM", "MG/DL")).status).toBe(404)
    const unknown = await byCode("SNOMED", "00000000")
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe("not_found")
    expect((await byCode("NOPE", "44054006")).status).toBe(404)
  })

  it("also accepts a '/' that the client left unencoded, and ICD10CM codes with a dot", async () => {
    const raw = await client.get("/concepts/by-code/UCUM/mg/dL", synthea)
    expect(raw.body.data.concept_id).toBe(8840)
    const icd = await client.get("/concepts/by-code/ICD10CM/E11.9")
    expect(icd.body.data).toMatchObject({
      concept_id: 45576876,
      concept_code: "E11.9",
      vocabulary_id: "ICD10CM",
    })
  })
})

describe("POST /concepts/batch", () => {
  it("returns found concepts and lists the rest as failed", async () => {
    const reply = await client.post("/concepts/batch", { concept_ids: [201826, 320128, 999999999] }, synthea)
    expect(reply.status).toBe(200)
    expect(reply.body.data.concepts.map((concept: { concept_id: number }) => concept.concept_id)).toEqual([
      201826, 320128,
    ])
    expect(reply.body.data.failed_concepts).toEqual([{ concept_id: 999999999, reason: "not_found" }])
    expect(reply.body.data.summary).toEqual({ total: 3, found: 2, failed: 1 })
  })

  it("filters non-standard concepts unless standard_only is false, and adds mappings on request", async () => {
    const standardOnly = await client.post("/concepts/batch", { concept_ids: [45576876] })
    expect(standardOnly.body.data.concepts).toEqual([])
    const all = await client.post("/concepts/batch", {
      concept_ids: [45576876],
      standard_only: false,
      include_mappings: true,
    })
    expect(all.body.data.concepts[0].mappings[0]).toMatchObject({
      target_concept_id: 201826,
      relationship_id: "Maps to",
    })
  })

  it("enforces 1 to 100 ids and rejects malformed bodies", async () => {
    const tooMany = await client.post("/concepts/batch", {
      concept_ids: Array.from({ length: 101 }, (_, i) => i + 1),
    })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error).toMatchObject({
      code: "validation_error",
      details: { parameter: "concept_ids", count: 101 },
    })
    expect((await client.post("/concepts/batch", { concept_ids: [] })).status).toBe(400)
    expect((await client.post("/concepts/batch", { concept_ids: ["x"] })).body.error.code).toBe(
      "validation_error",
    )
    expect((await client.post("/concepts/batch", {})).body.error.code).toBe("missing_required_field")
    const malformed = await client.postRaw("/concepts/batch", "{not json")
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe("bad_request")
    expect((await client.postRaw("/concepts/batch", "[1,2]")).body.error.code).toBe("bad_request")
  })
})

describe("GET /concepts/suggest", () => {
  it("returns a paged bare array of suggestions that are also concept rows", async () => {
    const reply = await client.get("/concepts/suggest", { query: "diab", page_size: 3, ...synthea })
    expect(reply.status).toBe(200)
    expect(Array.isArray(reply.body.data)).toBe(true)
    expect(reply.body.data).toHaveLength(3)
    for (const item of reply.body.data) {
      expect(item.suggestion).toBe(item.concept_name)
      expect(typeof item.concept_id).toBe("number")
      expect(item.concept_name.toLowerCase()).toContain("diab")
    }
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 3 })
    expect(reply.body.meta.pagination.total_items).toBeGreaterThan(3)
  })

  it("caps page_size at 100 and needs a query", async () => {
    expect((await client.get("/concepts/suggest", { query: "diab", page_size: 101 })).status).toBe(400)
    expect((await client.get("/concepts/suggest")).status).toBe(400)
  })
})

describe("GET /concepts/{id}/related", () => {
  it("returns a bare array of related concepts with scores", async () => {
    const reply = await client.get("/concepts/201826/related", synthea)
    expect(reply.status).toBe(200)
    expect(Array.isArray(reply.body.data)).toBe(true)
    const ids = reply.body.data.map((item: { concept_id: number }) => item.concept_id)
    expect(ids).toContain(4226121)
    expect(ids).not.toContain(201826)
    for (const item of reply.body.data) {
      expect(item.relationship_score).toBeGreaterThanOrEqual(0)
      expect(item.relationship_score).toBeLessThanOrEqual(1)
      expect(typeof item.relationship_id).toBe("string")
    }
    expect(reply.body.meta.pagination).toBeUndefined()
  })

  it("filters by relationship type and min_score and limits with page_size", async () => {
    const filtered = await client.get("/concepts/201826/related", {
      relationship_types: "Due to of",
      page_size: 2,
      ...synthea,
    })
    expect(filtered.body.data).toHaveLength(2)
    expect(
      filtered.body.data.every((item: { relationship_id: string }) => item.relationship_id === "Due to of"),
    ).toBe(true)
    const none = await client.get("/concepts/201826/related", { min_score: 0.99, ...synthea })
    expect(none.body.data).toEqual([])
    expect((await client.get("/concepts/201826/related", { page_size: 101 })).status).toBe(400)
    expect((await client.get("/concepts/201826/related", { min_score: 2 })).status).toBe(400)
    expect((await client.get("/concepts/999999999/related")).status).toBe(404)
  })
})

describe("POST /concepts/recommended", () => {
  it("keys recommendations by source id and takes paging from body or query", async () => {
    const reply = await client.post("/concepts/recommended", { concept_ids: [201826, 999999999] }, synthea)
    expect(reply.status).toBe(200)
    expect(Array.isArray(reply.body.data["201826"])).toBe(true)
    expect(reply.body.data["201826"].length).toBeGreaterThan(2)
    expect(reply.body.data["999999999"]).toEqual([])
    const bodyPaged = await client.post(
      "/concepts/recommended",
      { concept_ids: [201826], page_size: 2, page: 2 },
      synthea,
    )
    expect(bodyPaged.body.data["201826"]).toHaveLength(2)
    expectPaginationInvariants(bodyPaged.body.meta.pagination, { page: 2, pageSize: 2 })
    const queryPaged = await client.post(
      "/concepts/recommended",
      { concept_ids: [201826] },
      { ...synthea, page_size: 2 },
    )
    expect(queryPaged.body.data["201826"]).toHaveLength(2)
  })

  it("enforces its caps", async () => {
    const cases = [
      { concept_ids: Array.from({ length: 101 }, (_, i) => i + 1) },
      { concept_ids: [201826], relationship_types: Array.from({ length: 21 }, (_, i) => `r${i}`) },
      { concept_ids: [201826], vocabulary_ids: Array.from({ length: 51 }, (_, i) => `v${i}`) },
      { concept_ids: [201826], domain_ids: Array.from({ length: 51 }, (_, i) => `d${i}`) },
      { concept_ids: [201826], page_size: 1001 },
    ]
    for (const body of cases) {
      const reply = await client.post("/concepts/recommended", body)
      expect(reply.status).toBe(400)
      expect(reply.body.error.code).toBe("validation_error")
    }
  })
})
