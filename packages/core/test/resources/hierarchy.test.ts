// hierarchy.get / ancestors / descendants over real HTTP against the sandbox (built-in vocabulary as
// 2025.2, the Synthea subset as 2025.1), plus the summary/shape drift and the max_levels cap.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError, ValidationError } from "../../src/index.ts"
import { runWithClient, syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_hierarchy_test_key_01"
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

const ok = (data: unknown, pagination?: unknown) => ({
  success: true,
  data,
  meta: { request_id: "req_drift", ...(pagination === undefined ? {} : { pagination }) },
})
const node = (concept_id: number, concept_name: string) => ({
  concept_id,
  concept_name,
  vocabulary_id: "SNOMED",
  concept_code: String(concept_id),
})

describe("hierarchy.ancestors / descendants", () => {
  it("walks up from Type 2 diabetes mellitus (201826) to Diabetes mellitus (201820)", async () => {
    const result = await client.hierarchy.ancestors(201826, { includeDistance: true })
    expect(result).toMatchObject({ concept_id: 201826, concept_name: "Type 2 diabetes mellitus" })
    const ids = result.ancestors.map((a) => a.concept_id)
    expect(ids).toContain(201820)
    expect(result.ancestors.find((a) => a.concept_id === 201820)).toMatchObject({
      concept_name: "Diabetes mellitus",
      min_levels_of_separation: 1,
      hierarchy_level: 1,
    })
    expect(result.hierarchy_summary).toMatchObject({
      total_ancestors: ids.length,
      unique_vocabularies: ["SNOMED"],
    })
    expect(result.hierarchy_summary?.unique_vocabulary_count).toBe(1)
    expect(result.pagination).toMatchObject({ page: 1, total_items: ids.length })

    const oneLevel = await client.hierarchy.ancestors(201826, { maxLevels: 1 })
    expect(oneLevel.ancestors.map((a) => a.concept_id)).toEqual([201820])
    expect(sandbox.requests()[1]!.query).toEqual({ max_levels: "1" })
  })

  it("walks down from 201826 and pages the descendants (Effect client)", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      Effect.all([
        c.hierarchy.descendants(201826),
        c.hierarchy.descendants(201826, { pageSize: 1, page: 2 }),
      ]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    const [all, second] = exit.value
    expect(all.descendants.map((d) => d.concept_id)).toEqual(expect.arrayContaining([4193704, 443238]))
    expect(all.descendants.every((d) => d.concept_id !== 201826)).toBe(true)
    expect(second.descendants).toEqual([all.descendants[1]])
    expect(second.pagination).toMatchObject({ page: 2, page_size: 1, total_items: all.descendants.length })
  })

  it("follows the Synthea release's 'Is a' rows (Hospital admission 8715)", async () => {
    const down = await client.hierarchy.descendants(8715, {
      vocabRelease: synthea,
      domainIds: ["Observation"],
    })
    expect(down.concept_name).toBe("Hospital admission")
    expect(down.descendants.map((d) => d.concept_id)).toContain(4079617)
    const up = await client.hierarchy.ancestors(4079617, { vocabRelease: synthea })
    expect(up.ancestors.map((a) => a.concept_id)).toContain(8715)
    expect(sandbox.requests()[0]!.query).toEqual({ domain_ids: "Observation", vocab_release: synthea })
  })

  it("normalises `summary` and a numeric `unique_vocabularies`", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id/ancestors",
      kind: "status",
      status: 200,
      body: ok(
        {
          concept_id: 201826,
          concept_name: "Type 2 diabetes mellitus",
          vocabulary_id: "SNOMED",
          ancestors: [node(201820, "Diabetes mellitus")],
          summary: { total_ancestors: 1, unique_vocabularies: 1, max_hierarchy_depth: 1 },
        },
        { page: 1, page_size: 100, total_items: 1, has_next: false },
      ),
    })
    const result = await client.hierarchy.ancestors(201826)
    expect(result.hierarchy_summary).toEqual({
      total_ancestors: 1,
      max_hierarchy_depth: 1,
      unique_vocabulary_count: 1,
    })
    expect(result).not.toHaveProperty("summary")
    expect(result.pagination).toMatchObject({ total_items: 1, has_next: false })
  })

  it("fails an unknown concept with NotFoundError", async () => {
    await expect(client.hierarchy.descendants(999999999)).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe("hierarchy.get", () => {
  it("returns both directions with totals (flat) and nodes/edges (graph)", async () => {
    const flat = await client.hierarchy.get(201826, { maxLevels: 20 })
    if (flat.format !== "flat") throw new Error("expected the flat form")
    expect(flat.ancestors.map((a) => a.concept_id)).toContain(201820)
    expect(flat.descendants.map((d) => d.concept_id)).toContain(4193704)
    expect(flat.total_ancestors).toBe(flat.ancestors.length)
    expect(flat.total_descendants).toBe(flat.descendants.length)
    expect(flat.hierarchy_summary?.total_descendants).toBe(flat.descendants.length)

    const graph = await client.hierarchy.get(201826, { format: "graph", maxLevels: 1 })
    if (graph.format !== "graph") throw new Error("expected the graph form")
    expect(graph.nodes.map((n) => n.concept_id)).toEqual(expect.arrayContaining([201826, 201820]))
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: 201826, target: 201820 }))
    expect(sandbox.requests()[1]!.query).toEqual({ format: "graph", max_levels: "1" })
  })

  it("takes the totals from `summary` when the flat payload has none at the top", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id/hierarchy",
      kind: "status",
      status: 200,
      body: ok({
        concept_id: 201826,
        ancestors: [node(201820, "Diabetes mellitus")],
        descendants: [],
        summary: { total_ancestors: 3, total_descendants: 7, unique_vocabularies: ["SNOMED"] },
      }),
    })
    const flat = await client.hierarchy.get(201826)
    expect(flat).toMatchObject({
      format: "flat",
      total_ancestors: 3,
      total_descendants: 7,
      hierarchy_summary: { unique_vocabularies: ["SNOMED"], unique_vocabulary_count: 1 },
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

  it("rejects maxLevels above 20 instead of clamping, and other bad input", async () => {
    expect(await issues(client.hierarchy.get(201826, { maxLevels: 21 }))).toEqual(["options.maxLevels"])
    expect(await issues(client.hierarchy.ancestors(201826, { maxLevels: 50 }))).toEqual(["options.maxLevels"])
    expect(await issues(client.hierarchy.descendants(-1))).toEqual(["conceptId"])
    expect(await issues(client.hierarchy.descendants(1.5, { pageSize: 1001 }))).toEqual([
      "conceptId",
      "options.pageSize",
    ])
    expect(await issues(client.hierarchy.get(201826, { format: "tree" as never }))).toEqual([
      "options.format",
    ])
    const tooMany = Array.from({ length: 21 }, (_, i) => `Rel ${i}`)
    expect(await issues(client.hierarchy.get(201826, { relationshipTypes: tooMany }))).toEqual([
      "options.relationshipTypes",
    ])
    expect(sandbox.requests()).toEqual([])
  })
})
