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

type Row = { concept_id: number; concept_name: string; vocabulary_id: string; domain_id: string }

describe("GET /search/concepts", () => {
  it("ranks matches on name and code, with facets and pagination", async () => {
    const reply = await client.get("/search/concepts", { query: "diabetes", page_size: 5, ...synthea })
    expect(reply.status).toBe(200)
    const { concepts, facets, search_metadata } = reply.body.data
    expect(concepts).toHaveLength(5)
    for (const concept of concepts) expect(concept.concept_name.toLowerCase()).toContain("diabet")
    const scores = concepts.map((concept: { score: number }) => concept.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(facets.vocabularies).toContainEqual({ value: "SNOMED", count: expect.any(Number) })
    expect(search_metadata.total_results).toBe(reply.body.meta.pagination.total_items)
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 5 })
    expect(reply.body.meta.pagination.has_next).toBe(true)

    const second = await client.get("/search/concepts", {
      query: "diabetes",
      page_size: 5,
      page: 2,
      ...synthea,
    })
    expectPaginationInvariants(second.body.meta.pagination, { page: 2, pageSize: 5 })
    const firstIds = concepts.map((concept: Row) => concept.concept_id)
    for (const concept of second.body.data.concepts) expect(firstIds).not.toContain(concept.concept_id)

    const byCode = await client.get("/search/concepts", { query: "44054006", ...synthea })
    expect(byCode.body.data.concepts[0].concept_id).toBe(201826)
  })

  it("decodes comma-joined lists however they were encoded", async () => {
    const encodings = [
      "vocabulary_ids=LOINC%2CUCUM",
      "vocabulary_ids=LOINC,UCUM",
      "vocabulary_ids=LOINC%2C+UCUM",
      "vocabulary_ids=LOINC%2C%20UCUM",
    ]
    for (const encoded of encodings) {
      const reply = await client.get(
        `/search/concepts?query=glucose&vocab_release=synthea&page_size=100&${encoded}`,
      )
      const vocabularies = new Set(reply.body.data.concepts.map((concept: Row) => concept.vocabulary_id))
      expect([...vocabularies].sort(), encoded).toEqual(["LOINC"])
    }
    const units = await client.get(
      "/search/concepts?query=per+liter&vocabulary_ids=UCUM&vocab_release=synthea",
    )
    expect(units.body.data.concepts.length).toBeGreaterThan(0)
    const relationshipSpaces = await client.get("/search/concepts", {
      query: "mellitus",
      domain_ids: "Condition,Drug",
      ...synthea,
    })
    expect(
      relationshipSpaces.body.data.concepts.every((concept: Row) => concept.domain_id === "Condition"),
    ).toBe(true)
  })

  it("applies filters, exact_match and sorting", async () => {
    const exact = await client.get("/search/concepts", {
      query: "type 2 diabetes mellitus",
      exact_match: true,
      ...synthea,
    })
    expect(exact.body.data.concepts.map((concept: Row) => concept.concept_id)).toEqual([201826])
    const nonStandard = await client.get("/search/concepts", {
      query: "diabetes",
      standard_concept: "N",
      include_invalid: true,
      ...synthea,
    })
    expect(nonStandard.body.data.concepts.map((concept: Row) => concept.concept_id)).toContain(40316773)
    const hidesInvalid = await client.get("/search/concepts", { query: "prediabetes", ...synthea })
    expect(hidesInvalid.body.data.concepts).toEqual([])
    const byName = await client.get("/search/concepts", {
      query: "diabetes",
      sort_by: "name",
      page_size: 50,
      ...synthea,
    })
    const names = byName.body.data.concepts.map((concept: Row) => concept.concept_name)
    expect([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }))).toEqual(names)
    expect((await client.get("/search/concepts", { query: "x", sort_by: "popularity" })).status).toBe(400)
  })

  it("returns 200 with an empty page for nonsense and rejects bad paging", async () => {
    const nothing = await client.get("/search/concepts", { query: "qwxzzyqv", ...synthea })
    expect(nothing.status).toBe(200)
    expect(nothing.body.data.concepts).toEqual([])
    expectPaginationInvariants(nothing.body.meta.pagination, { page: 1, pageSize: 20 })
    expect(nothing.body.meta.pagination.total_pages).toBe(1)
    const badPaging: Array<Record<string, string | number>> = [
      { page_size: 1001 },
      { page_size: 0 },
      { page: 0 },
      { page: "x" },
    ]
    for (const query of badPaging) {
      const reply = await client.get("/search/concepts", { query: "diabetes", ...query })
      expect(reply.status).toBe(400)
      expect(reply.body.error.code).toBe("validation_error")
    }
    expect((await client.get("/search/concepts")).status).toBe(400)
  })

  it("round-trips special characters in the query", async () => {
    for (const text of ["a&b", "what?", "#1", "c++", "диабет", "糖尿病"]) {
      const reply = await client.get("/search/concepts", { query: text })
      expect(reply.status, text).toBe(200)
      expect(reply.body.data.search_metadata.query).toBe(text)
    }
  })
})

describe("POST /search/advanced", () => {
  it("searches with body filters and relationship filters", async () => {
    const reply = await client.post(
      "/search/advanced",
      {
        query: "diabetes",
        vocabulary_ids: ["SNOMED"],
        standard_concepts_only: true,
        relationship_filters: [{ relationship_id: "Has due to", target_concept_id: 201826 }],
        page_size: 3,
      },
      synthea,
    )
    expect(reply.status).toBe(200)
    expect(reply.body.data.concepts.length).toBeGreaterThan(0)
    for (const concept of reply.body.data.concepts)
      expect(concept.concept_name).toMatch(/due to type 2 diabetes/i)
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 3 })
    expect((await client.post("/search/advanced", { vocabulary_ids: ["SNOMED"] })).status).toBe(400)
  })
})

describe("GET /search/suggest", () => {
  it("echoes the query and wraps concept rows in suggestions", async () => {
    const reply = await client.get("/search/suggest", { query: "diab", page_size: 4, ...synthea })
    expect(reply.status).toBe(200)
    expect(reply.body.data.query).toBe("diab")
    expect(reply.body.data.suggestions).toHaveLength(4)
    expect(typeof reply.body.data.suggestions[0].suggestion.concept_id).toBe("number")
    const domains = await client.get("/search/suggest", { query: "diab", domains: "Observation", ...synthea })
    for (const item of domains.body.data.suggestions) expect(item.suggestion.domain_id).toBe("Observation")
    expect((await client.get("/search/suggest", { query: "diab", page_size: 101 })).status).toBe(400)
  })
})

describe("GET /search/semantic and its legacy alias", () => {
  it("scores in [0, 1], honours the threshold and pages", async () => {
    const reply = await client.get("/search/semantic", {
      query: "heart attack",
      page_size: 2,
      threshold: 0.3,
    })
    expect(reply.status).toBe(200)
    const { results, search_metadata } = reply.body.data
    expect(results[0]).toMatchObject({ concept_id: 4329847, similarity_score: 1 })
    for (const result of results) {
      expect(result.similarity_score).toBeGreaterThanOrEqual(0.3)
      expect(result.similarity_score).toBeLessThanOrEqual(1)
    }
    expect(search_metadata.threshold).toBe(0.3)
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 2 })
    expect((await client.get("/search/semantic", { query: "x", page_size: 101 })).status).toBe(400)
    expect((await client.get("/search/semantic", { query: "x", threshold: 1.5 })).status).toBe(400)
    expect((await client.get("/search/semantic", { query: "x".repeat(501) })).status).toBe(400)
  })

  it("serves /concepts/semantic-search with deprecation headers", async () => {
    const legacy = await client.get("/concepts/semantic-search", { query: "diabetes", ...synthea })
    const current = await client.get("/search/semantic", { query: "diabetes", ...synthea })
    expect(legacy.status).toBe(200)
    expect(legacy.headers.get("deprecation")).toBe("true")
    expect(legacy.headers.get("link")).toMatch(/^<[^>]*\/v1\/search\/semantic>; rel="successor-version"$/)
    expect(legacy.body.data.results).toEqual(current.body.data.results)
    expect(current.headers.get("deprecation")).toBeNull()
  })
})

describe("POST /search/bulk", () => {
  it("returns a bare array with one entry per search, defaults applied", async () => {
    const reply = await client.post(
      "/search/bulk",
      {
        searches: [
          { search_id: "a", query: "diabetes" },
          { search_id: "b", query: "glucose", vocabulary_ids: ["LOINC"], page_size: 2 },
          { search_id: "c", query: "" },
        ],
        defaults: { vocabulary_ids: ["SNOMED"] },
      },
      synthea,
    )
    expect(reply.status).toBe(200)
    expect(reply.body.data.map((entry: { search_id: string }) => entry.search_id)).toEqual(["a", "b", "c"])
    const [a, b, c] = reply.body.data
    expect(a.status).toBe("completed")
    expect(a.results.every((row: Row) => row.vocabulary_id === "SNOMED")).toBe(true)
    expect(b.results).toHaveLength(2)
    expect(b.results.every((row: Row) => row.vocabulary_id === "LOINC")).toBe(true)
    expect(c).toMatchObject({ status: "failed", results: [] })
  })

  it("allows 1 to 50 searches", async () => {
    const searches = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ search_id: `s${i}`, query: "diabetes" }))
    expect((await client.post("/search/bulk", { searches: searches(50) })).status).toBe(200)
    const tooMany = await client.post("/search/bulk", { searches: searches(51) })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error.details).toMatchObject({ parameter: "searches", max: 50 })
    expect((await client.post("/search/bulk", { searches: [] })).status).toBe(400)
    expect((await client.post("/search/bulk", { searches: [{ query: "x" }] })).status).toBe(400)
  })
})

describe("POST /search/semantic-bulk", () => {
  it("wraps results with counts and allows 1 to 25 searches", async () => {
    const reply = await client.post("/search/semantic-bulk", {
      searches: [
        { search_id: "mi", query: "myocardial infarction" },
        { search_id: "htn", query: "hypertension", threshold: 0.4 },
      ],
    })
    expect(reply.status).toBe(200)
    expect(reply.body.data).toMatchObject({ total_searches: 2, completed_count: 2, failed_count: 0 })
    expect(reply.body.data.results[0].results[0].concept_id).toBe(4329847)
    expect(reply.body.data.results[1].similarity_threshold).toBe(0.4)
    const searches = Array.from({ length: 26 }, (_, i) => ({ search_id: `s${i}`, query: "x" }))
    expect((await client.post("/search/semantic-bulk", { searches })).status).toBe(400)
  })
})

describe("POST /search/similar", () => {
  it("finds concepts similar to a concept id, excluding itself", async () => {
    const reply = await client.post(
      "/search/similar",
      { concept_id: 201826, similarity_threshold: 0.3, include_scores: true, page_size: 5 },
      synthea,
    )
    expect(reply.status).toBe(200)
    const { similar_concepts, search_metadata } = reply.body.data
    expect(similar_concepts.length).toBeGreaterThan(0)
    expect(similar_concepts.length).toBeLessThanOrEqual(5)
    expect(similar_concepts.map((row: Row) => row.concept_id)).not.toContain(201826)
    expect(similar_concepts[0].scores).toEqual({
      semantic: expect.any(Number),
      lexical: expect.any(Number),
      hybrid: expect.any(Number),
    })
    expect(search_metadata).toMatchObject({
      original_query: "Type 2 diabetes mellitus",
      algorithm_used: "hybrid",
    })
  })

  it("needs exactly one of concept_id, concept_name and query", async () => {
    const byQuery = await client.post(
      "/search/similar",
      { query: "essential hypertension", algorithm: "lexical" },
      synthea,
    )
    expect(byQuery.body.data.similar_concepts[0].concept_id).toBe(320128)
    const none = await client.post("/search/similar", { algorithm: "hybrid" })
    expect(none.status).toBe(400)
    expect(none.body.error.code).toBe("missing_required_field")
    const both = await client.post("/search/similar", { concept_id: 201826, query: "x" })
    expect(both.status).toBe(400)
    expect(both.body.error.code).toBe("validation_error")
    expect((await client.post("/search/similar", { query: "x", algorithm: "magic" })).status).toBe(400)
    expect((await client.post("/search/similar", { concept_id: 999999999 })).status).toBe(404)
  })
})
