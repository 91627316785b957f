// vocabularies.* over real HTTP against the sandbox: the built-in vocabulary is the default release
// (2025.2), the Synthea subset is release 2025.1 (counts are checked against its CONCEPT.csv).
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError, ValidationError } from "../../src/index.ts"
import { runWithClient, syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_vocab_test_key_01"
const synthea = "2025.1"
let sandbox: Sandbox
let client: ReturnType<typeof createClient>

// Concept rows of the Synthea subset, read straight from the Athena file.
const syntheaConcepts = readFileSync(path.join(syntheaVocab, "CONCEPT.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [concept_id, concept_name, domain_id, vocabulary_id, , standard_concept, , , , invalid_reason] =
      line.split("\t")
    const valid = (invalid_reason ?? "").trim() === ""
    return { concept_id: Number(concept_id), concept_name, domain_id, vocabulary_id, standard_concept, valid }
  })

beforeAll(async () => {
  sandbox = await start({
    keys: [apiKey],
    releases: [{ name: "2025.2" }, { name: synthea, vocab: syntheaVocab }],
  })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
})
afterAll(async () => {
  await client?.close()
  await sandbox?.close()
})
beforeEach(() => sandbox.control.reset())

const envelope = (data: unknown) => ({
  success: true,
  data,
  meta: { request_id: "req_test", vocab_release: "2025.2" },
})

describe("vocabularies.list", () => {
  it("lists the built-in catalogue with SNOMED and the paging meta", async () => {
    const all = await client.vocabularies.list({ pageSize: 200 })
    const ids = all.vocabularies.map((v) => v.vocabulary_id)
    expect(ids).toEqual(expect.arrayContaining(["SNOMED", "ICD10CM", "RxNorm", "LOINC", "UCUM"]))
    expect(all.vocabularies.find((v) => v.vocabulary_id === "SNOMED")?.vocabulary_name).toMatch(
      /SNOMED|Nomenclature/,
    )
    expect(all.pagination).toMatchObject({ page: 1, page_size: 200, has_next: false, has_previous: false })
    expect(all.pagination?.total_items).toBe(ids.length)

    const second = await client.vocabularies.list({ page: 2, pageSize: 2, sortBy: "name", sortOrder: "asc" })
    expect(second.vocabularies).toHaveLength(2)
    expect(second.pagination).toMatchObject({ page: 2, page_size: 2, has_previous: true })
    expect(sandbox.requests()[1]!.query).toEqual({
      page: "2",
      page_size: "2",
      sort_by: "name",
      sort_order: "asc",
    })
  })

  it("lists the Synthea release when asked per call", async () => {
    const result = await client.vocabularies.list({ pageSize: 100, vocabRelease: synthea })
    const expected = new Set(syntheaConcepts.map((c) => c.vocabulary_id))
    expect(new Set(result.vocabularies.map((v) => v.vocabulary_id))).toEqual(expected)
    expect(sandbox.requests()[0]!.query).toEqual({ page_size: "100", vocab_release: synthea })
  })

  it("walks every page with the generated listIter / listAll", async () => {
    const expected = (await client.vocabularies.list({ pageSize: 200, vocabRelease: synthea })).vocabularies
    sandbox.clearRequests()
    const walked: Array<string> = []
    for await (const vocabulary of client.vocabularies.listIter({ pageSize: 2, vocabRelease: synthea })) {
      walked.push(vocabulary.vocabulary_id)
    }
    expect(walked).toEqual(expected.map((v) => v.vocabulary_id))
    expect(sandbox.requests()).toHaveLength(Math.ceil(expected.length / 2))

    const all = await client.vocabularies.conceptsAll("SNOMED", { pageSize: 250, vocabRelease: synthea })
    // Invalid concepts are left out unless `includeInvalid` is set.
    const valid = syntheaConcepts.filter((c) => c.vocabulary_id === "SNOMED" && c.valid)
    expect(all).toMatchObject({
      complete: true,
      stoppedBy: "end",
      pagesFetched: Math.ceil(valid.length / 250),
    })
    expect(new Set(all.items.map((c) => c.concept_id))).toEqual(new Set(valid.map((c) => c.concept_id)))
  })

  it("accepts a bare-array payload and still returns { vocabularies, pagination }", async () => {
    sandbox.control.fault({
      match: "GET /v1/vocabularies",
      kind: "status",
      status: 200,
      body: envelope([{ vocabulary_id: "SNOMED", vocabulary_name: "SNOMED CT", extra: 1 }]),
    })
    const result = await client.vocabularies.list()
    expect(result.vocabularies).toEqual([{ vocabulary_id: "SNOMED", vocabulary_name: "SNOMED CT", extra: 1 }])
    expect(result.pagination).toBeUndefined()
  })
})

describe("vocabularies.get / stats / domainStats", () => {
  it("gets SNOMED, and 404s an unknown id (sent as one encoded segment)", async () => {
    const snomed = await client.vocabularies.get("SNOMED")
    expect(snomed).toMatchObject({ vocabulary_id: "SNOMED" })
    await expect(client.vocabularies.get("NOPE/stats")).rejects.toBeInstanceOf(NotFoundError)
    expect(sandbox.requests().map((r) => r.path)).toEqual([
      "/v1/vocabularies/SNOMED",
      "/v1/vocabularies/NOPE%2Fstats",
    ])
  })

  it("reports SNOMED statistics matching the Synthea CONCEPT.csv", async () => {
    const snomed = syntheaConcepts.filter((c) => c.vocabulary_id === "SNOMED")
    const stats = await client.vocabularies.stats("SNOMED", { vocabRelease: synthea })
    expect(stats).toMatchObject({
      vocabulary_id: "SNOMED",
      total_concepts: snomed.length,
      standard_concepts: snomed.filter((c) => c.standard_concept === "S").length,
    })
    const condition = stats.domain_distribution?.find((d) => d.domain_id === "Condition")
    expect(condition?.concept_count).toBe(snomed.filter((c) => c.domain_id === "Condition").length)

    const domain = await client.vocabularies.domainStats("SNOMED", "Condition", { vocabRelease: synthea })
    expect(domain).toMatchObject({
      vocabulary_id: "SNOMED",
      domain_id: "Condition",
      total_concepts: condition?.concept_count,
    })
    expect(sandbox.requests()[1]!.path).toBe("/v1/vocabularies/SNOMED/stats/domains/Condition")
  })
})

describe("vocabularies.domains / conceptClasses", () => {
  it("lists the domains (Effect client) and the concept classes as an array", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url, vocabRelease: synthea }, (c) =>
      Effect.all([c.vocabularies.domains(), c.vocabularies.conceptClasses()]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    const [domains, classes] = exit.value
    const expectedDomains = new Set(syntheaConcepts.map((c) => c.domain_id))
    expect(domains.domains.map((d) => d.domain_id)).toEqual(expect.arrayContaining([...expectedDomains]))
    expect(domains.domains.find((d) => d.domain_id === "Condition")?.domain_name).toBe("Condition")
    expect(Array.isArray(classes)).toBe(true)
    expect(classes.map((c) => c.concept_class_id)).toEqual(
      expect.arrayContaining(["Clinical Finding", "Ingredient"]),
    )
  })

  it("unwraps a { concept_classes } wrapper to the same array", async () => {
    sandbox.control.fault({
      match: "GET /v1/vocabularies/concept-classes",
      kind: "status",
      status: 200,
      body: envelope({
        concept_classes: [{ concept_class_id: "Clinical Finding", concept_class_name: "Clinical Finding" }],
      }),
    })
    expect(await client.vocabularies.conceptClasses()).toEqual([
      { concept_class_id: "Clinical Finding", concept_class_name: "Clinical Finding" },
    ])
  })
})

describe("vocabularies.concepts", () => {
  it("pages a vocabulary's concepts with filters (the wire sends a bare array)", async () => {
    const page = await client.vocabularies.concepts("SNOMED", {
      search: "diabetes",
      standardConcept: "S",
      sortBy: "concept_id",
      pageSize: 3,
      vocabRelease: synthea,
    })
    const expected = syntheaConcepts
      .filter(
        (c) =>
          c.vocabulary_id === "SNOMED" && c.standard_concept === "S" && /diabetes/i.test(c.concept_name!),
      )
      .map((c) => c.concept_id)
      .sort((a, b) => a - b)
    expect(expected.length).toBeGreaterThan(3)
    expect(page.concepts.map((c) => c.concept_id)).toEqual(expected.slice(0, 3))
    expect(page.pagination).toMatchObject({
      page: 1,
      page_size: 3,
      total_items: expected.length,
      has_next: true,
    })
    expect(sandbox.requests()[0]!.query).toMatchObject({
      search: "diabetes",
      standard_concept: "S",
      sort_by: "concept_id",
    })
  })
})

describe("validation (nothing is sent)", () => {
  const issues = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ValidationError)
    return (error as ValidationError).issues.map((issue) => issue.path)
  }

  it("rejects bad ids, page sizes, enums and unknown options before any request", async () => {
    expect(await issues(client.vocabularies.get(""))).toEqual(["vocabularyId"])
    expect(await issues(client.vocabularies.get(".."))).toEqual(["vocabulary_id"])
    expect(await issues(client.vocabularies.domainStats("SNOMED", 7 as never))).toEqual(["domainId"])
    expect(await issues(client.vocabularies.list({ pageSize: 1001, page: 0 }))).toEqual([
      "options.page",
      "options.pageSize",
    ])
    expect(
      await issues(
        client.vocabularies.concepts("SNOMED", {
          standardConcept: "X" as never,
          sortBy: "score" as never,
          limit: 5,
        } as never),
      ),
    ).toEqual(["options.limit", "options.standardConcept", "options.sortBy"])
    expect(sandbox.requests()).toEqual([])
  })
})
