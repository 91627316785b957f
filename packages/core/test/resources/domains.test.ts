// domains.list / domains.concepts over real HTTP against the sandbox (built-in vocabulary as 2025.2,
// the Synthea subset as 2025.1), including the drifting `stats`/`statistics` and `category` forms.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, ValidationError } from "../../src/index.ts"
import { runWithClient, syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_domain_test_key_01"
const synthea = "2025.1"
let sandbox: Sandbox
let client: ReturnType<typeof createClient>

const syntheaConditions = readFileSync(path.join(syntheaVocab, "CONCEPT.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => line.split("\t"))
  .filter((columns) => columns[2] === "Condition")

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

describe("domains.list", () => {
  it("lists Condition and Drug, with stats when asked", async () => {
    const plain = await client.domains.list()
    expect(plain.domains.map((d) => d.domain_id)).toEqual(expect.arrayContaining(["Condition", "Drug"]))
    expect(plain.domains.every((d) => d.stats === undefined)).toBe(true)

    const withStats = await client.domains.list({ includeStats: true, vocabRelease: synthea })
    const condition = withStats.domains.find((d) => d.domain_id === "Condition")
    expect(condition?.stats?.total_concepts).toBe(syntheaConditions.length)
    expect(sandbox.requests()[1]!.query).toEqual({ include_stats: "true", vocab_release: synthea })
  })

  it("normalises `statistics` to `stats` and an object `category` to a string", async () => {
    sandbox.control.fault({
      match: "GET /v1/domains",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: {
          domains: [
            {
              domain_id: "Condition",
              domain_name: "Condition",
              statistics: { total_concepts: 12, standard_concepts: 10 },
              category: { category: "Clinical", description: "Clinical findings" },
              concept_count: 12,
            },
            { domain_id: "Drug", domain_name: "Drug", stats: { total_concepts: 3 }, category: "Medication" },
          ],
        },
        meta: { request_id: "req_drift" },
      },
    })
    const { domains } = await client.domains.list({ includeStats: true })
    expect(domains).toEqual([
      {
        domain_id: "Condition",
        domain_name: "Condition",
        stats: { total_concepts: 12, standard_concepts: 10 },
        category: "Clinical",
        category_description: "Clinical findings",
        concept_count: 12,
      },
      { domain_id: "Drug", domain_name: "Drug", stats: { total_concepts: 3 }, category: "Medication" },
    ])
  })
})

describe("domains.concepts", () => {
  it("pages the Condition domain of the Synthea release (Effect client)", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url, vocabRelease: synthea }, (c) =>
      c.domains.concepts("Condition", { vocabularyIds: ["SNOMED"], pageSize: 10, page: 2 }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    // Invalid concepts are left out unless `includeInvalid` is set.
    const expectedTotal = syntheaConditions.filter(
      (columns) => columns[3] === "SNOMED" && (columns[9] ?? "").trim() === "",
    ).length
    expect(exit.value.concepts).toHaveLength(10)
    expect(
      exit.value.concepts.every((c) => c.domain_id === "Condition" && c.vocabulary_id === "SNOMED"),
    ).toBe(true)
    expect(exit.value.pagination).toMatchObject({
      page: 2,
      page_size: 10,
      total_items: expectedTotal,
      has_previous: true,
    })
    expect(sandbox.requests()[0]!.query).toEqual({
      vocabulary_ids: "SNOMED",
      page: "2",
      page_size: "10",
      vocab_release: synthea,
    })
  })

  it("returns an empty page for an unknown domain, sending the id as one segment", async () => {
    const result = await client.domains.concepts("No Such/Domain")
    expect(result.concepts).toEqual([])
    expect(sandbox.requests()[0]!.path).toBe("/v1/domains/No%20Such%2FDomain/concepts")
  })

  it("rejects bad input before any request", async () => {
    const issues = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ValidationError)
      return (error as ValidationError).issues.map((issue) => issue.path)
    }
    expect(await issues(client.domains.concepts("  "))).toEqual(["domainId"])
    expect(
      await issues(
        client.domains.concepts("Condition", { pageSize: 5000, vocabularyIds: ["SNOMED,ICD10CM"] }),
      ),
    ).toEqual(["options.vocabularyIds[0]", "options.pageSize"])
    expect(await issues(client.domains.list({ includeStats: "yes" as never }))).toEqual([
      "options.includeStats",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})
