// concepts.* over real HTTP against the sandbox (Synthea subset as the default release, the built-in
// vocabulary as 2025.1): real values, exact URLs and bodies on the wire, shape normalisation, and
// validation that stops bad input before any request.
import type { Sandbox } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError, type OMOPHub } from "../../src/index.ts"
import { failureOf, runWithClient } from "../pipeline/support.ts"
import { apiKey, builtinRelease, expectValidation, rejectionOf, startSandbox } from "./vocabSandbox.ts"

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

describe("concepts.get", () => {
  it("returns 201826 with real values; undefined options are omitted", async () => {
    const concept = await client.concepts.get(201826, { includeSynonyms: true, includeHierarchy: undefined })
    expect(concept).toMatchObject({
      concept_id: 201826,
      concept_name: "Type 2 diabetes mellitus",
      vocabulary_id: "SNOMED",
      domain_id: "Condition",
      standard_concept: "S",
      concept_code: "44054006",
    })
    expect(lastRequest().path).toBe("/v1/concepts/201826")
    expect(lastRequest().query).toEqual({ include_synonyms: "true" })
    expect(concept.synonyms?.every((synonym) => typeof synonym.concept_synonym_name === "string")).toBe(true)
  })

  it("sends 0 and ids above 2^31 (valid OMOP ids) and reports the server's 404", async () => {
    for (const id of [0, 2 ** 31 + 5]) {
      const error = await rejectionOf(client.concepts.get(id))
      expect(error).toBeInstanceOf(NotFoundError)
      expect(lastRequest().path).toBe(`/v1/concepts/${id}`)
    }
  })

  it("rejects negative, fractional, NaN and unsafe ids before any request", async () => {
    for (const id of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expectValidation(await rejectionOf(client.concepts.get(id)), ["conceptId"])
    }
    expectValidation(await rejectionOf(client.concepts.get("201826" as unknown as number)), ["conceptId"])
    expect(sandbox.requests()).toEqual([])
  })

  it("rejects unknown and mistyped options before any request", async () => {
    const options = { includeSynonym: true, includeHierarchy: "yes" } as never
    expectValidation(await rejectionOf(client.concepts.get(201826, options)), [
      "options.includeSynonym",
      "options.includeHierarchy",
    ])
    expect(sandbox.requests()).toEqual([])
  })

  it("returns synonyms as objects even when the server sends strings", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: {
          concept_id: 201826,
          concept_name: "Type 2 diabetes mellitus",
          vocabulary_id: "SNOMED",
          concept_code: "44054006",
          synonyms: [
            "Type II diabetes mellitus",
            { concept_synonym_name: "T2DM", language_concept_id: 4180186 },
          ],
        },
      },
    })
    const concept = await client.concepts.get(201826, { includeSynonyms: true })
    expect(concept.synonyms).toEqual([
      { concept_synonym_name: "Type II diabetes mellitus" },
      { concept_synonym_name: "T2DM", language_concept_id: 4180186 },
    ])
  })
})

describe("concepts.getByCode", () => {
  // Each code must arrive as exactly one path segment, byte for byte.
  const codes: ReadonlyArray<readonly [code: string, conceptId: number, segment: string]> = [
    ["mg/dL", 8840, "mg%2FdL"],
    ["ms", 9593, "ms"],
    ["Ms", 9592, "Ms"],
    ["%", 8554, "%25"],
    ["{cells}", 45744812, "%7Bcells%7D"],
    ["[in_i]", 9327, "%5Bin_i%5D"],
    ["{CD59-deficient cells}", 8484, "%7BCD59-deficient%20cells%7D"],
    ["%{CD19+'cells}", 8659, "%25%7BCD19%2B'cells%7D"],
    ["ml/cm [H2O]", 720866, "ml%2Fcm%20%5BH2O%5D"],
  ]

  it.each(codes)("UCUM %s is concept %i, sent as one encoded segment", async (code, conceptId, segment) => {
    const concept = await client.concepts.getByCode("UCUM", code)
    expect(concept).toMatchObject({ concept_id: conceptId, concept_code: code, vocabulary_id: "UCUM" })
    expect(lastRequest().path).toBe(`/v1/concepts/by-code/UCUM/${segment}`)
  })

  it("tells ms from Ms (case is significant)", async () => {
    const [milli, mega] = await Promise.all([
      client.concepts.getByCode("UCUM", "ms"),
      client.concepts.getByCode("UCUM", "Ms"),
    ])
    expect(milli.concept_name).toBe("millisecond")
    expect(mega.concept_name).toBe("megasecond")
  })

  it("finds SNOMED 44054006 and fails an unknown code with NotFoundError", async () => {
    expect((await client.concepts.getByCode("SNOMED", "44054006")).concept_id).toBe(201826)
    expect(await rejectionOf(client.concepts.getByCode("UCUM", "no-such-unit"))).toBeInstanceOf(NotFoundError)
  })

  it("pins a release per call (the built-in vocabulary has ICD10CM E11.9)", async () => {
    const concept = await client.concepts.getByCode("ICD10CM", "E11.9", { vocabRelease: builtinRelease })
    expect(concept).toMatchObject({ concept_code: "E11.9", vocabulary_id: "ICD10CM" })
    expect(lastRequest().path).toBe("/v1/concepts/by-code/ICD10CM/E11.9")
    expect(lastRequest().query).toEqual({ vocab_release: builtinRelease })
  })

  it("refuses dot segments and empty parts before any request", async () => {
    expectValidation(await rejectionOf(client.concepts.getByCode("UCUM", "..")), ["concept_code"])
    expectValidation(await rejectionOf(client.concepts.getByCode(".", "ms")), ["vocabulary_id"])
    expectValidation(await rejectionOf(client.concepts.getByCode("", " ")), ["vocabularyId", "conceptCode"])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("concepts.batch", () => {
  it("returns the known concepts and lists the unknown id as failed", async () => {
    const result = await client.concepts.batch([201826, 999999999, 9593, 0], { standardOnly: false })
    expect(result.concepts.map((c) => c.concept_id).sort()).toEqual([201826, 9593])
    expect(result.concepts.find((c) => c.concept_id === 201826)?.concept_name).toBe(
      "Type 2 diabetes mellitus",
    )
    expect(result.failed_concepts.map((f) => f.concept_id)).toEqual([999999999, 0])
    expect(result.summary).toMatchObject({ found: 2, failed: 2 })
    const request = lastRequest()
    expect(request.method).toBe("POST")
    expect(request.path).toBe("/v1/concepts/batch")
    expect(JSON.parse(request.body)).toEqual({
      concept_ids: [201826, 999999999, 9593, 0],
      standard_only: false,
    })
  })

  it("normalises `results` and bare failed ids to `concepts` and `{ concept_id }`", async () => {
    sandbox.control.fault({
      match: "POST /v1/concepts/batch",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: {
          results: [
            {
              concept_id: 201826,
              concept_name: "Type 2 diabetes mellitus",
              vocabulary_id: "SNOMED",
              concept_code: "44054006",
            },
          ],
          failed_concepts: [42],
        },
      },
    })
    const result = await client.concepts.batch([201826, 42])
    expect(result.concepts.map((c) => c.concept_id)).toEqual([201826])
    expect(result.failed_concepts).toEqual([{ concept_id: 42 }])
  })

  it("enforces 1 to 100 valid ids before any request (no silent cut)", async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1)
    const error = expectValidation(await rejectionOf(client.concepts.batch(tooMany)), ["conceptIds"])
    expect(error.issues[0]!.message).toContain("101")
    expectValidation(await rejectionOf(client.concepts.batch([])), ["conceptIds"])
    expectValidation(await rejectionOf(client.concepts.batch([1, -2, 3.5])), [
      "conceptIds[1]",
      "conceptIds[2]",
    ])
    expect(sandbox.requests()).toEqual([])
    // Exactly 100 is fine.
    const result = await client.concepts.batch(Array.from({ length: 100 }, (_, i) => 201826 + i))
    expect(result.concepts.map((c) => c.concept_id)).toContain(201826)
  })
})

describe("concepts.suggest", () => {
  it("suggests concepts for a prefix, paged", async () => {
    const result = await client.concepts.suggest("diab", { pageSize: 3, vocabularyIds: ["SNOMED"] })
    expect(result.suggestions.length).toBeGreaterThan(0)
    expect(result.suggestions.length).toBeLessThanOrEqual(3)
    expect(result.suggestions.every((s) => /diab/i.test(s.concept_name ?? ""))).toBe(true)
    expect(result.suggestions.every((s) => s.vocabulary_id === "SNOMED")).toBe(true)
    expect(result.pagination).toMatchObject({ page: 1, page_size: 3 })
    expect(lastRequest().query).toEqual({ query: "diab", vocabulary_ids: "SNOMED", page_size: "3" })
  })

  it("normalises the `{ data: [...] }` shape", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/suggest",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: { data: [{ suggestion: "Type 2 diabetes mellitus", concept_id: 201826 }] },
      },
    })
    const result = await client.concepts.suggest("type 2")
    expect(result.suggestions).toEqual([{ suggestion: "Type 2 diabetes mellitus", concept_id: 201826 }])
  })

  it("checks the query length (2-100) and the page size (1-100) before any request", async () => {
    expectValidation(await rejectionOf(client.concepts.suggest("d")), ["query"])
    expectValidation(await rejectionOf(client.concepts.suggest("x".repeat(101), { pageSize: 101 })), [
      "query",
      "options.pageSize",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("concepts.related", () => {
  it("returns related concepts with their relationship, limited by pageSize", async () => {
    const related = await client.concepts.related(201826, { pageSize: 3, relationshipTypes: ["Due to of"] })
    expect(related.length).toBe(3)
    expect(related.every((r) => r.relationship_id === "Due to of" && typeof r.concept_id === "number")).toBe(
      true,
    )
    expect(lastRequest().path).toBe("/v1/concepts/201826/related")
    expect(lastRequest().query).toEqual({ relationship_types: "Due to of", page_size: "3" })
  })

  it("normalises the older `{ related_concepts }` shape to the array", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id/related",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: { related_concepts: [{ concept_id: 201820, concept_name: "Diabetes mellitus" }] },
      },
    })
    expect(await client.concepts.related(201826)).toEqual([
      { concept_id: 201820, concept_name: "Diabetes mellitus" },
    ])
  })

  it("caps pageSize at 100 and minScore at 0-1 before any request", async () => {
    expectValidation(await rejectionOf(client.concepts.related(201826, { pageSize: 101, minScore: 2 })), [
      "options.pageSize",
      "options.minScore",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("concepts.relationships", () => {
  it("returns the relationship rows with pagination, list filters comma-joined", async () => {
    const result = await client.concepts.relationships(201826, {
      relationshipIds: ["Due to of", "", "Maps to"],
      domainIds: [],
      vocabularyIds: null as never,
      includeInvalid: false,
      pageSize: 2,
    })
    expect(result.relationships).toHaveLength(2)
    expect(result.relationships.every((r) => r.concept_id_1 === 201826)).toBe(true)
    expect(result.pagination).toMatchObject({ page: 1, page_size: 2, has_next: true })
    // Empty items are dropped, an empty list and null are omitted, false is sent.
    expect(lastRequest().query).toEqual({
      relationship_ids: "Due to of,Maps to",
      include_invalid: "false",
      page_size: "2",
    })
  })

  it("walks every page with relationshipsAll (the same rows as one big page)", async () => {
    const everything = await client.concepts.relationships(201826, { pageSize: 1000 })
    const walked = await client.concepts.relationshipsAll(201826, { pageSize: 3 })
    expect(walked.complete).toBe(true)
    expect(walked.pagesFetched).toBe(Math.ceil(everything.relationships.length / 3))
    expect(walked.items).toEqual(everything.relationships)
    const pageRequests = sandbox.requests().slice(1)
    expect(pageRequests).toHaveLength(walked.pagesFetched)
    expect(pageRequests.every((r) => r.query.page_size === "3")).toBe(true)
  })

  it("rejects a page size above 1000 and page 0 before any request", async () => {
    expectValidation(await rejectionOf(client.concepts.relationships(201826, { page: 0, pageSize: 1001 })), [
      "options.page",
      "options.pageSize",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("concepts.recommended", () => {
  it("returns recommendations keyed by source id; paging in the query, filters in the body", async () => {
    const result = await client.concepts.recommended([201826], {
      pageSize: 3,
      vocabularyIds: ["SNOMED"],
      standardOnly: false,
    })
    const list = result.recommendations["201826"]
    expect(list?.length).toBe(3)
    expect(
      list?.every((entry) => entry.source_concept_id === 201826 && entry.vocabulary_id === "SNOMED"),
    ).toBe(true)
    expect(result.pagination).toMatchObject({ page: 1, page_size: 3 })
    const request = lastRequest()
    expect(request.query).toEqual({ page_size: "3" })
    expect(JSON.parse(request.body)).toEqual({
      concept_ids: [201826],
      vocabulary_ids: ["SNOMED"],
      standard_only: false,
    })
  })

  it("groups the older flat `{ recommendations: [...] }` shape by source concept", async () => {
    sandbox.control.fault({
      match: "POST /v1/concepts/recommended",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: {
          recommendations: [
            { source_concept_id: 201826, concept_id: 201820, concept_name: "Diabetes mellitus" },
            { source_concept_id: 320128, concept_id: 316866, concept_name: "Hypertensive disorder" },
          ],
        },
      },
    })
    const result = await client.concepts.recommended([201826, 320128])
    expect(Object.keys(result.recommendations).sort()).toEqual(["201826", "320128"])
    expect(result.recommendations["320128"]?.[0]?.concept_id).toBe(316866)
  })

  it("enforces every cap at once before any request", async () => {
    const error = await rejectionOf(
      client.concepts.recommended(
        Array.from({ length: 101 }, (_, i) => i),
        {
          relationshipTypes: Array.from({ length: 21 }, (_, i) => `r${i}`),
          vocabularyIds: Array.from({ length: 51 }, (_, i) => `v${i}`),
          domainIds: Array.from({ length: 51 }, (_, i) => `d${i}`),
        },
      ),
    )
    expectValidation(error, [
      "conceptIds",
      "options.relationshipTypes",
      "options.vocabularyIds",
      "options.domainIds",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("Effect client", () => {
  it("gets, batches and fails with typed errors", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      Effect.all([effectClient.concepts.get(9593), effectClient.concepts.batch([201826])]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(`failed: ${String(exit.cause)}`)
    expect(exit.value[0].concept_name).toBe("millisecond")
    expect(exit.value[1].concepts[0]?.concept_name).toBe("Type 2 diabetes mellitus")

    sandbox.clearRequests()
    const invalid = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      effectClient.concepts.batch([]),
    )
    expectValidation(failureOf(invalid), ["conceptIds"])
    expect(sandbox.requests()).toEqual([])
  })
})
