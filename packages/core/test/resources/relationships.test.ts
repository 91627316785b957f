// relationships.get / relationships.types over real HTTP against the sandbox (built-in vocabulary as
// 2025.2, the Synthea subset as 2025.1).
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError, ValidationError } from "../../src/index.ts"
import { runWithClient, syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_relationship_test_key_01"
const synthea = "2025.1"
let sandbox: Sandbox
let client: ReturnType<typeof createClient>

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

describe("relationships.get", () => {
  it("lists 201826's relationships, filtered to 'Is a' (built-in vocabulary)", async () => {
    const isA = await client.relationships.get(201826, { relationshipIds: ["Is a"] })
    expect(isA.relationships.map((r) => [r.relationship_id, r.concept_id_2])).toEqual([["Is a", 201820]])
    expect(isA.relationships[0]).toMatchObject({
      concept_id_1: 201826,
      concept_1: { concept_id: 201826, vocabulary_id: "SNOMED" },
      concept_2: { concept_id: 201820, concept_name: "Diabetes mellitus" },
    })
    expect(isA.pagination).toMatchObject({ page: 1, total_items: 1, has_next: false })

    // With reverse rows, ICD10CM E11.9 ('Mapped from') shows up as well.
    const withReverse = await client.relationships.get(201826, {
      includeReverse: true,
      relationshipIds: ["Mapped from"],
    })
    expect(withReverse.relationships.map((r) => r.concept_2?.concept_code)).toContain("E11.9")
    expect(sandbox.requests()[1]!.query).toEqual({ relationship_ids: "Mapped from", include_reverse: "true" })
  })

  it("names its own operation in errors (it shares the concepts.relationships descriptor)", async () => {
    const error = await client.relationships.get(999999999).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).toMatchObject({ status: 404, operation: "relationships.get" })
  })

  it("pages the Synthea release's rows for 201826 (Effect client)", async () => {
    const stored = readFileSync(path.join(syntheaVocab, "CONCEPT_RELATIONSHIP.csv"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("201826\t") && line.split("\t")[5]?.trim() === "")
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url, vocabRelease: synthea }, (c) =>
      c.relationships.get(201826, { pageSize: 2 }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    expect(exit.value.relationships).toHaveLength(2)
    expect(exit.value.pagination).toMatchObject({ page: 1, page_size: 2, has_next: stored.length > 2 })
    expect(exit.value.pagination?.total_items).toBeLessThanOrEqual(stored.length)
    expect(exit.value.pagination?.total_items).toBeGreaterThan(2)
  })
})

describe("relationships.types", () => {
  it("pages the relationship catalogue with 'Is a' and 'Maps to'", async () => {
    const all = await client.relationships.types({ pageSize: 500 })
    const isA = all.relationship_types.find((t) => t.relationship_id === "Is a")
    expect(isA).toMatchObject({ relationship_name: expect.any(String), reverse_relationship_id: "Subsumes" })
    expect(all.relationship_types.map((t) => t.relationship_id)).toContain("Maps to")
    const first = await client.relationships.types({ pageSize: 1 })
    expect(first.relationship_types).toEqual([all.relationship_types[0]])
    expect(first.pagination).toMatchObject({ page: 1, page_size: 1, has_next: true })
  })
})

describe("validation (nothing is sent)", () => {
  it("rejects bad ids, page sizes and options before any request", async () => {
    const issues = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ValidationError)
      return (error as ValidationError).issues.map((issue) => issue.path)
    }
    expect(await issues(client.relationships.get(Number.MAX_SAFE_INTEGER + 2))).toEqual(["conceptId"])
    expect(await issues(client.relationships.get("201826" as never))).toEqual(["conceptId"])
    expect(await issues(client.relationships.types({ pageSize: 501 }))).toEqual(["options.pageSize"])
    expect(
      await issues(client.relationships.get(201826, { pageSize: 1001, includeReverse: 1 as never })),
    ).toEqual(["options.includeReverse", "options.pageSize"])
    expect(await issues(client.relationships.get(201826, { relationshipIds: "Is a" as never }))).toEqual([
      "options.relationshipIds",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})
