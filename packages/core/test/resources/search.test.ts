// search.* over real HTTP against the sandbox (Synthea subset): filters that really filter, exact
// query strings and bodies, normalisation of the drifting response shapes, and validation that
// stops bad input before any request.
import type { Sandbox } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, type OMOPHub } from "../../src/index.ts"
import { failureOf, runWithClient } from "../pipeline/support.ts"
import { apiKey, expectValidation, rejectionOf, startSandbox } from "./vocabSandbox.ts"

let sandbox: Sandbox
let client: OMOPHub

beforeAll(async () => {
  sandbox = await startSandbox()
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
})
afterAll(async () => {
  await client.close()
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

const lastRequest = () => {
  const request = sandbox.requests().at(-1)
  if (request === undefined) throw new Error("no request reached the sandbox")
  return request
}

const t2dm = {
  concept_id: 201826,
  concept_name: "Type 2 diabetes mellitus",
  vocabulary_id: "SNOMED",
  concept_code: "44054006",
}
const answerOnce = (match: string, data: unknown) =>
  sandbox.control.fault({ match, kind: "status", status: 200, body: { success: true, data } })

describe("search.basic", () => {
  it("applies vocabulary, domain and standard filters and reports facets and pagination", async () => {
    const result = await client.search.basic("diabetes", {
      vocabularyIds: ["SNOMED"],
      domainIds: ["Condition"],
      standardConcept: "S",
      includeInvalid: false,
      pageSize: 5,
    })
    expect(result.concepts.length).toBeGreaterThan(0)
    expect(result.concepts.length).toBeLessThanOrEqual(5)
    for (const concept of result.concepts) {
      expect(concept).toMatchObject({
        vocabulary_id: "SNOMED",
        domain_id: "Condition",
        standard_concept: "S",
      })
      expect(concept.concept_name).toMatch(/diabet/i)
    }
    expect(result.concepts.map((c) => c.concept_id)).toContain(201826)
    expect(result.facets?.vocabularies).toEqual([
      { value: "SNOMED", count: result.search_metadata?.total_results },
    ])
    expect(result.pagination).toMatchObject({ page: 1, page_size: 5 })
    expect(lastRequest().query).toEqual({
      query: "diabetes",
      vocabulary_ids: "SNOMED",
      domain_ids: "Condition",
      standard_concept: "S",
      include_invalid: "false",
      page_size: "5",
    })
  })

  it("walks pages with basicIter (the same hits as one big page)", async () => {
    const everything = await client.search.basic("diabetes", { vocabularyIds: ["SNOMED"], pageSize: 1000 })
    const walked: Array<number> = []
    for await (const concept of client.search.basicIter("diabetes", {
      vocabularyIds: ["SNOMED"],
      pageSize: 4,
    })) {
      walked.push(concept.concept_id)
    }
    expect(everything.concepts.length).toBeGreaterThan(4)
    expect(walked).toEqual(everything.concepts.map((c) => c.concept_id))
  })

  it("normalises the legacy bare-array and `{ data }` shapes to `{ concepts }`", async () => {
    answerOnce("GET /v1/search/concepts", [t2dm])
    expect(await client.search.basic("diabetes")).toEqual({ concepts: [t2dm], pagination: undefined })
    answerOnce("GET /v1/search/concepts", { data: [t2dm] })
    expect((await client.search.basic("diabetes")).concepts).toEqual([t2dm])
  })

  it("checks enums, ranges and the query before any request", async () => {
    const options = { sortBy: "score", standardConcept: "X", minScore: 2, pageSize: 1001 } as never
    expectValidation(await rejectionOf(client.search.basic(" ", options)), [
      "query",
      "options.sortBy",
      "options.standardConcept",
      "options.minScore",
      "options.pageSize",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.advanced", () => {
  it("filters by relationship and sends a snake_case body", async () => {
    const result = await client.search.advanced("diabetes", {
      vocabularyIds: ["SNOMED"],
      standardConceptsOnly: true,
      relationshipFilters: [{ relationshipId: "Due to of", direction: "forward" }],
      pageSize: 3,
    })
    expect(result.concepts.map((c) => c.concept_id)).toContain(201826)
    expect(result.concepts.every((c) => c.vocabulary_id === "SNOMED" && c.standard_concept === "S")).toBe(
      true,
    )
    expect(result.pagination).toMatchObject({ page: 1, page_size: 3 })
    const request = lastRequest()
    expect(request.method).toBe("POST")
    expect(JSON.parse(request.body)).toEqual({
      query: "diabetes",
      vocabulary_ids: ["SNOMED"],
      standard_concepts_only: true,
      relationship_filters: [{ relationship_id: "Due to of", direction: "forward" }],
      page_size: 3,
    })
  })

  it("checks relationship filters before any request", async () => {
    const filters = [{ relationshipId: "", direction: "sideways" }, { targetConceptId: -1 }] as never
    expectValidation(
      await rejectionOf(client.search.advanced("diabetes", { relationshipFilters: filters })),
      [
        "options.relationshipFilters[0].relationshipId",
        "options.relationshipFilters[0].direction",
        "options.relationshipFilters[1].relationshipId",
        "options.relationshipFilters[1].targetConceptId",
      ],
    )
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.autocomplete", () => {
  it("suggests full concepts and sends the domain filter as `domains`", async () => {
    const result = await client.search.autocomplete("diab", { domainIds: ["Condition"], pageSize: 4 })
    expect(result.query).toBe("diab")
    expect(result.suggestions.length).toBeGreaterThan(0)
    expect(result.suggestions.length).toBeLessThanOrEqual(4)
    for (const { suggestion } of result.suggestions) {
      expect(typeof suggestion.concept_id).toBe("number")
      expect(suggestion.domain_id).toBe("Condition")
    }
    expect(lastRequest().query).toEqual({ query: "diab", domains: "Condition", page_size: "4" })
  })

  it("caps pageSize at 100 before any request", async () => {
    expectValidation(await rejectionOf(client.search.autocomplete("diab", { pageSize: 101 })), [
      "options.pageSize",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.semantic", () => {
  it("returns scored results with pagination", async () => {
    const result = await client.search.semantic("type 2 diabetes", {
      threshold: 0.3,
      pageSize: 5,
      standardConcept: "S",
    })
    expect(result.results.length).toBeGreaterThan(0)
    expect(result.results.length).toBeLessThanOrEqual(5)
    for (const hit of result.results) {
      expect(hit.similarity_score).toBeGreaterThanOrEqual(0.3)
      expect(hit.similarity_score).toBeLessThanOrEqual(1)
    }
    expect(result.results[0]?.concept_name).toMatch(/type 2 diabetes/i)
    expect(result.pagination).toMatchObject({ page: 1, page_size: 5 })
    expect(lastRequest().query).toEqual({
      query: "type 2 diabetes",
      standard_concept: "S",
      threshold: "0.3",
      page_size: "5",
    })
  })

  it("normalises a bare array and `{ data }` to `{ results }`", async () => {
    const hit = { concept_id: 201826, concept_name: "Type 2 diabetes mellitus", similarity_score: 0.9 }
    answerOnce("GET /v1/search/semantic", [hit])
    expect((await client.search.semantic("diabetes")).results).toEqual([hit])
    answerOnce("GET /v1/search/semantic", { data: [hit] })
    expect((await client.search.semantic("diabetes")).results).toEqual([hit])
  })

  it("checks the query length (1-500), threshold and page size (1-100) before any request", async () => {
    expectValidation(
      await rejectionOf(client.search.semantic("x".repeat(501), { threshold: 1.5, pageSize: 101 })),
      ["query", "options.threshold", "options.pageSize"],
    )
    expectValidation(await rejectionOf(client.search.semantic("")), ["query"])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.bulkBasic", () => {
  it("runs several searches in one request, defaults applied and overridden per search", async () => {
    const result = await client.search.bulkBasic(
      [
        { searchId: "t2", query: "type 2 diabetes" },
        { searchId: "htn", query: "hypertension", vocabularyIds: ["SNOMED"] },
        { searchId: "ms", query: "millisecond", pageSize: 1 },
      ],
      { defaults: { pageSize: 2, standardConcept: "S" } },
    )
    expect(result.results.map((r) => r.search_id)).toEqual(["t2", "htn", "ms"])
    expect(result.results.every((r) => r.status === "completed")).toBe(true)
    expect(result).toMatchObject({ total_searches: 3, completed_searches: 3, failed_searches: 0 })
    expect(result.results[0]?.results.length).toBe(2)
    expect(result.results[2]?.results.map((c) => c.concept_id)).toEqual([9593])
    expect(JSON.parse(lastRequest().body)).toEqual({
      searches: [
        { search_id: "t2", query: "type 2 diabetes" },
        { search_id: "htn", query: "hypertension", vocabulary_ids: ["SNOMED"] },
        { search_id: "ms", query: "millisecond", page_size: 1 },
      ],
      defaults: { page_size: 2, standard_concept: "S" },
    })
  })

  it("normalises the documented wrapper shape to the same result", async () => {
    const item = { search_id: "a", query: "diabetes", status: "completed", results: [t2dm] }
    answerOnce("POST /v1/search/bulk", {
      results: [item],
      total_searches: 1,
      completed_searches: 1,
      failed_searches: 0,
    })
    expect(await client.search.bulkBasic([{ searchId: "a", query: "diabetes" }])).toEqual({
      results: [item],
      total_searches: 1,
      completed_searches: 1,
      failed_searches: 0,
    })
  })

  it("errors on more than 50 searches, duplicate ids and missing queries before any request", async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ searchId: `s${i}`, query: "diabetes" }))
    expectValidation(await rejectionOf(client.search.bulkBasic(many)), ["searches"])
    const bad = [
      { searchId: "a", query: "diabetes" },
      { searchId: "a", query: "" },
    ]
    expectValidation(await rejectionOf(client.search.bulkBasic(bad)), [
      "searches[1].searchId",
      "searches[1].query",
    ])
    expectValidation(await rejectionOf(client.search.bulkBasic([])), ["searches"])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.bulkSemantic", () => {
  it("runs semantic searches and reports the counts", async () => {
    const result = await client.search.bulkSemantic(
      [
        { searchId: "one", query: "type 2 diabetes" },
        { searchId: "two", query: "essential hypertension", threshold: 0.2 },
      ],
      { defaults: { pageSize: 3 } },
    )
    expect(result).toMatchObject({ total_searches: 2, completed_count: 2, failed_count: 0 })
    expect(result.results.map((r) => r.search_id)).toEqual(["one", "two"])
    for (const item of result.results) {
      expect(item.results.length).toBeGreaterThan(0)
      expect(item.results.length).toBeLessThanOrEqual(3)
      expect(item.results.every((hit) => hit.similarity_score >= 0 && hit.similarity_score <= 1)).toBe(true)
    }
  })

  it("normalises a bare array to the wrapper, counting statuses", async () => {
    answerOnce("POST /v1/search/semantic-bulk", [
      { search_id: "a", query: "x", status: "completed", results: [] },
      { search_id: "b", query: "y", status: "failed", results: [], error: "boom" },
    ])
    const result = await client.search.bulkSemantic([
      { searchId: "a", query: "x" },
      { searchId: "b", query: "y" },
    ])
    expect(result).toMatchObject({ total_searches: 2, completed_count: 1, failed_count: 1 })
  })

  it("errors on more than 25 searches and queries over 500 characters before any request", async () => {
    const many = Array.from({ length: 26 }, (_, i) => ({ searchId: `s${i}`, query: "diabetes" }))
    expectValidation(await rejectionOf(client.search.bulkSemantic(many)), ["searches"])
    expectValidation(
      await rejectionOf(client.search.bulkSemantic([{ searchId: "a", query: "x".repeat(501) }])),
      ["searches[0].query"],
    )
    expect(sandbox.requests()).toEqual([])
  })
})

describe("search.similar", () => {
  it("finds concepts similar to a concept id, a name or a query", async () => {
    const byId = await client.search.similar({ conceptId: 201826, similarityThreshold: 0.2, pageSize: 5 })
    expect(byId.similar_concepts.length).toBeGreaterThan(0)
    expect(byId.similar_concepts.some((c) => c.concept_id === 201826)).toBe(false)
    expect(byId.search_metadata?.algorithm_used).toBe("hybrid")
    expect(byId.search_metadata?.original_query).toBe("Type 2 diabetes mellitus")
    expect(JSON.parse(lastRequest().body)).toEqual({
      concept_id: 201826,
      similarity_threshold: 0.2,
      page_size: 5,
    })

    const byQuery = await client.search.similar({
      query: "diabetes",
      algorithm: "lexical",
      includeScores: true,
    })
    expect(byQuery.search_metadata?.algorithm_used).toBe("lexical")
    expect(byQuery.similar_concepts.every((c) => typeof c.scores?.lexical === "number")).toBe(true)

    const byName = await client.search.similar({
      conceptName: "Type 2 diabetes mellitus",
      similarityThreshold: 0.3,
    })
    expect(byName.similar_concepts.length).toBeGreaterThan(0)
  })

  it("requires exactly one of conceptId, conceptName and query before any request", async () => {
    expectValidation(await rejectionOf(client.search.similar({})), ["request"])
    expectValidation(await rejectionOf(client.search.similar({ conceptId: 1, query: "x" })), ["request"])
    expectValidation(await rejectionOf(client.search.similar({ query: "x", algorithm: "fuzzy" } as never)), [
      "request.algorithm",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("Effect client", () => {
  it("runs semantic and similar searches and fails bad input without a request", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      Effect.all([
        effectClient.search.semantic("hypertension", { pageSize: 2 }),
        effectClient.search.similar({ query: "hypertension", similarityThreshold: 0.2 }),
      ]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(`failed: ${String(exit.cause)}`)
    expect(exit.value[0].results.length).toBeGreaterThan(0)
    expect(exit.value[1].similar_concepts.length).toBeGreaterThan(0)

    sandbox.clearRequests()
    const invalid = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      effectClient.search.bulkSemantic([]),
    )
    expectValidation(failureOf(invalid), ["searches"])
    expect(sandbox.requests()).toEqual([])
  })
})
