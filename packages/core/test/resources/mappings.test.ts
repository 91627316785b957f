// mappings.* over real HTTP against the sandbox. The built-in vocabulary (served as release 2025.1)
// has ICD10CM E11.9 -> SNOMED 201826; the release is pinned per call with `vocabRelease`.
import type { Sandbox } from "@omophub/sandbox"
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

const e119 = 45576876

describe("mappings.get", () => {
  it("maps ICD10CM E11.9 to SNOMED 201826 with pagination", async () => {
    const result = await client.mappings.get(e119, { vocabRelease: builtinRelease })
    expect(result.mappings).toContainEqual(
      expect.objectContaining({
        source_concept_id: e119,
        target_concept_id: 201826,
        target_concept_name: "Type 2 diabetes mellitus",
        relationship_id: "Maps to",
      }),
    )
    expect(result.pagination).toMatchObject({ page: 1 })
    expect(lastRequest().path).toBe(`/v1/concepts/${e119}/mappings`)
    expect(lastRequest().query).toEqual({ vocab_release: builtinRelease })
  })

  it("filters by relationship and target vocabulary; false and lists go on the query", async () => {
    const result = await client.mappings.get(201826, {
      relationshipIds: ["Mapped from"],
      targetVocabulary: "ICD10CM",
      includeInvalid: false,
      pageSize: 50,
      vocabRelease: builtinRelease,
    })
    expect(result.mappings.length).toBeGreaterThan(0)
    expect(result.mappings.every((m) => m.relationship_id === "Mapped from")).toBe(true)
    expect(result.mappings.every((m) => m.target_vocabulary_id === "ICD10CM")).toBe(true)
    expect(result.mappings.map((m) => m.target_concept_id)).toContain(e119)
    expect(lastRequest().query).toEqual({
      relationship_ids: "Mapped from",
      target_vocabulary: "ICD10CM",
      include_invalid: "false",
      page_size: "50",
      vocab_release: builtinRelease,
    })
  })

  it("collects every page with getAll", async () => {
    const everything = await client.mappings.get(201826, {
      relationshipIds: ["Mapped from"],
      vocabRelease: builtinRelease,
    })
    expect(everything.mappings.length).toBeGreaterThan(1)
    const walked = await client.mappings.getAll(201826, {
      relationshipIds: ["Mapped from"],
      pageSize: 1,
      vocabRelease: builtinRelease,
    })
    expect(walked).toMatchObject({ complete: true, pagesFetched: everything.mappings.length })
    expect(walked.items).toEqual(everything.mappings)
  })

  it("normalises a bare array and the MCP-era wrapper to `{ mappings }`", async () => {
    const row = { source_concept_id: e119, target_concept_id: 201826, relationship_id: "Maps to" }
    sandbox.control.fault({
      match: "GET /v1/concepts/:id/mappings",
      kind: "status",
      status: 200,
      body: { success: true, data: [row] },
    })
    expect((await client.mappings.get(e119)).mappings).toEqual([row])
    sandbox.control.fault({
      match: "GET /v1/concepts/:id/mappings",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: { source_concept: { concept_id: e119 }, mappings: [row], total_mappings: 1 },
      },
    })
    expect((await client.mappings.get(e119)).mappings).toEqual([row])
  })

  it("fails an unknown concept with NotFoundError and bad input before any request", async () => {
    expect(await rejectionOf(client.mappings.get(999999999))).toBeInstanceOf(NotFoundError)
    sandbox.clearRequests()
    expectValidation(await rejectionOf(client.mappings.get(-1, { pageSize: 1001 })), [
      "conceptId",
      "options.pageSize",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})

describe("mappings.map", () => {
  it("maps ICD10CM E11.9 to SNOMED 201826; vocab_release goes in the query, not the body", async () => {
    const result = await client.mappings.map({
      targetVocabulary: "SNOMED",
      sourceCodes: [{ vocabularyId: "ICD10CM", conceptCode: "E11.9" }],
      vocabRelease: builtinRelease,
    })
    expect(result.mappings).toContainEqual(
      expect.objectContaining({
        source_concept_code: "E11.9",
        source_vocabulary_id: "ICD10CM",
        target_concept_id: 201826,
        target_vocabulary_id: "SNOMED",
        relationship_id: "Maps to",
      }),
    )
    expect(result.failed_mappings).toEqual([])
    const request = lastRequest()
    expect(request.path).toBe("/v1/concepts/map")
    expect(request.query).toEqual({ vocab_release: builtinRelease })
    expect(JSON.parse(request.body)).toEqual({
      target_vocabulary: "SNOMED",
      source_codes: [{ vocabulary_id: "ICD10CM", concept_code: "E11.9" }],
    })
  })

  it("maps concept ids the other way and reports unmappable sources", async () => {
    const result = await client.mappings.map({
      targetVocabulary: "ICD10CM",
      sourceConcepts: [201826, 999999999],
      includeInvalid: false,
      vocabRelease: builtinRelease,
    })
    expect(result.mappings.map((m) => m.target_concept_code)).toContain("E11.9")
    expect(result.failed_mappings).toEqual([expect.objectContaining({ source_concept_id: 999999999 })])
    expect(result.summary).toMatchObject({
      total_source_concepts: 2,
      mapped_concepts: 1,
      unmapped_concepts: 1,
    })
    expect(JSON.parse(lastRequest().body)).toEqual({
      target_vocabulary: "ICD10CM",
      source_concepts: [201826, 999999999],
      include_invalid: false,
    })
  })

  it("requires exactly one non-empty source list and valid entries before any request", async () => {
    expectValidation(await rejectionOf(client.mappings.map({ targetVocabulary: "SNOMED" })), ["request"])
    expectValidation(
      await rejectionOf(
        client.mappings.map({
          targetVocabulary: "SNOMED",
          sourceConcepts: [201826],
          sourceCodes: [{ vocabularyId: "ICD10CM", conceptCode: "E11.9" }],
        }),
      ),
      ["request"],
    )
    expectValidation(
      await rejectionOf(client.mappings.map({ targetVocabulary: "SNOMED", sourceConcepts: [] })),
      ["request.sourceConcepts"],
    )
    const codes = [{ vocabularyId: "ICD10CM" }, { vocabulary_id: "ICD10CM", concept_code: "E11.9" }] as never
    expectValidation(
      await rejectionOf(
        client.mappings.map({ targetVocabulary: "", sourceCodes: codes, mappingType: "fuzzy" } as never),
      ),
      [
        "request.targetVocabulary",
        "request.sourceCodes[0].conceptCode",
        "request.sourceCodes[1].vocabulary_id",
        "request.sourceCodes[1].concept_code",
        "request.sourceCodes[1].vocabularyId",
        "request.sourceCodes[1].conceptCode",
        "request.mappingType",
      ],
    )
    expectValidation(await rejectionOf(client.mappings.map(undefined as never)), [
      "request.targetVocabulary",
      "request",
    ])
    expect(sandbox.requests()).toEqual([])
  })

  it("works from the Effect client", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      effectClient.mappings.map({
        targetVocabulary: "SNOMED",
        sourceConcepts: [e119],
        vocabRelease: builtinRelease,
      }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(`failed: ${String(exit.cause)}`)
    expect(exit.value.mappings.map((m) => m.target_concept_id)).toEqual([201826])

    sandbox.clearRequests()
    const invalid = await runWithClient({ apiKey, baseUrl: sandbox.url }, (effectClient) =>
      effectClient.mappings.map({ targetVocabulary: "SNOMED", sourceConcepts: [-5] }),
    )
    expectValidation(failureOf(invalid), ["request.sourceConcepts[0]"])
    expect(sandbox.requests()).toEqual([])
  })
})
