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

type Node = {
  concept_id: number
  min_levels_of_separation: number
  max_levels_of_separation: number
  domain_id: string
}
const ids = (nodes: Node[]) => nodes.map((node) => node.concept_id)

describe("GET /concepts/{id}/ancestors and /descendants", () => {
  it("walks the derived 'Is a' closure of synthea with levels", async () => {
    const reply = await client.get("/concepts/4038350/ancestors", { include_distance: true, ...synthea })
    expect(reply.status).toBe(200)
    expect(reply.body.data).toMatchObject({ concept_id: 4038350, concept_name: "Lower limb exercises" })
    expect(
      reply.body.data.ancestors.map((node: Node & { hierarchy_level: number }) => [
        node.concept_id,
        node.hierarchy_level,
      ]),
    ).toEqual([
      [4022567, 1],
      [4040783, 2],
      [4238738, 3],
    ])
    expect(reply.body.data.hierarchy_summary).toMatchObject({ total_ancestors: 3, max_hierarchy_depth: 3 })
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 100 })
    const near = await client.get("/concepts/4038350/ancestors", { max_levels: 1, ...synthea })
    expect(ids(near.body.data.ancestors)).toEqual([4022567])
  })

  it("pages descendants and filters them by domain", async () => {
    const reply = await client.get("/concepts/8715/descendants", { page_size: 3, ...synthea })
    expect(reply.body.data.descendants).toHaveLength(3)
    expect(reply.body.meta.pagination.total_items).toBe(8)
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 3 })
    const nearest = await client.get("/concepts/8715/descendants", {
      max_levels: 1,
      page_size: 100,
      ...synthea,
    })
    expect(nearest.body.data.descendants.every((node: Node) => node.min_levels_of_separation === 1)).toBe(
      true,
    )
    expect(nearest.body.data.descendants).toHaveLength(6)
    const otherDomain = await client.get("/concepts/8715/descendants", {
      domain_ids: "Condition",
      ...synthea,
    })
    expect(otherDomain.body.data.descendants).toEqual([])
  })

  it("rejects max_levels above 20 and unknown concepts", async () => {
    const tooDeep = await client.get("/concepts/201826/descendants", { max_levels: 21 })
    expect(tooDeep.status).toBe(400)
    expect(tooDeep.body.error).toMatchObject({
      code: "validation_error",
      details: { parameter: "max_levels" },
    })
    expect((await client.get("/concepts/999999999/ancestors")).status).toBe(404)
  })
})

describe("GET /concepts/{id}/hierarchy", () => {
  it("returns ancestors, descendants and totals in flat format", async () => {
    const reply = await client.get("/concepts/201826/hierarchy", { format: "flat" })
    const data = reply.body.data
    expect(ids(data.ancestors)).toEqual([201820, 4274025, 441840])
    expect(data.ancestors.map((node: Node) => node.min_levels_of_separation)).toEqual([1, 2, 3])
    expect(ids(data.descendants).sort((a, b) => a - b)).toEqual([443238, 4193704, 4196413])
    expect(data).toMatchObject({ total_ancestors: 3, total_descendants: 3 })
    expect(data.hierarchy_summary).toMatchObject({ total_ancestors: 3, total_descendants: 3 })
    const limited = await client.get("/concepts/201826/hierarchy", { max_levels: 1 })
    expect(ids(limited.body.data.ancestors)).toEqual([201820])
  })

  it("returns nodes and 'Is a' edges in graph format", async () => {
    const reply = await client.get("/concepts/201826/hierarchy", { format: "graph", max_levels: 1 })
    expect(ids(reply.body.data.nodes).sort((a, b) => a - b)).toEqual([
      201820, 201826, 443238, 4193704, 4196413,
    ])
    expect(reply.body.data.edges).toContainEqual({ source: 201826, target: 201820, relationship_id: "Is a" })
    expect(reply.body.data.edges).toContainEqual({ source: 4193704, target: 201826, relationship_id: "Is a" })
  })

  it("answers max_levels=50 with 400 validation_error", async () => {
    const reply = await client.get("/concepts/201826/hierarchy", { max_levels: 50 })
    expect(reply.status).toBe(400)
    expect(reply.body.error.code).toBe("validation_error")
    expect((await client.get("/concepts/201826/hierarchy", { format: "tree" })).status).toBe(400)
  })
})

describe("GET /concepts/{id}/relationships", () => {
  it("returns rows with both sides, filters and paging", async () => {
    const reply = await client.get("/concepts/201826/relationships", synthea)
    expect(reply.status).toBe(200)
    const rows = reply.body.data.relationships
    expect(reply.body.meta.pagination.total_items).toBe(10)
    expect(rows[0].concept_1).toMatchObject({ concept_id: 201826, vocabulary_id: "SNOMED" })
    const dueTo = rows.find((row: { relationship_id: string }) => row.relationship_id === "Due to of")
    expect(dueTo).toMatchObject({
      concept_id_1: 201826,
      relationship_name: "Due to of",
      reverse_relationship_id: "Has due to",
    })
    expect(dueTo.concept_2.concept_name).toMatch(/type 2 diabetes/i)

    const filtered = await client.get(
      "/concepts/201826/relationships?relationship_ids=Maps+to%2CIs+a&vocab_release=synthea",
    )
    expect(
      filtered.body.data.relationships.map((row: { relationship_id: string }) => row.relationship_id),
    ).toEqual(["Maps to"])
    const paged = await client.get("/concepts/201826/relationships", { page_size: 4, page: 3, ...synthea })
    expect(paged.body.data.relationships).toHaveLength(2)
    expectPaginationInvariants(paged.body.meta.pagination, { page: 3, pageSize: 4 })
  })

  it("include_reverse gives a superset", async () => {
    const forward = await client.get("/concepts/201820/relationships")
    const both = await client.get("/concepts/201820/relationships", { include_reverse: true })
    expect(both.body.meta.pagination.total_items).toBeGreaterThanOrEqual(
      forward.body.meta.pagination.total_items,
    )
    expect((await client.get("/concepts/201826/relationships", { page_size: 1001 })).status).toBe(400)
    expect((await client.get("/concepts/999999999/relationships")).status).toBe(404)
  })
})

describe("GET /concepts/{id}/mappings", () => {
  it("lists 'Maps to' rows by default, filtered by target vocabulary", async () => {
    const reply = await client.get("/concepts/45576876/mappings")
    expect(reply.status).toBe(200)
    expect(reply.body.data.mappings).toEqual([
      expect.objectContaining({
        source_concept_id: 45576876,
        source_concept_name: "Type 2 diabetes mellitus without complications",
        target_concept_id: 201826,
        target_concept_name: "Type 2 diabetes mellitus",
        relationship_id: "Maps to",
        confidence: 1,
      }),
    ])
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 100 })
    const units = await client.get("/concepts/8520/mappings", synthea)
    expect(
      units.body.data.mappings.map((row: { target_concept_id: number }) => row.target_concept_id),
    ).toEqual([9586])
    const none = await client.get("/concepts/45576876/mappings", { target_vocabulary: "LOINC" })
    expect(none.body.data.mappings).toEqual([])
    const reverse = await client.get("/concepts/201826/mappings", { relationship_ids: "Mapped from" })
    expect(
      reverse.body.data.mappings.map((row: { target_concept_id: number }) => row.target_concept_id).sort(),
    ).toEqual([1567956, 201826, 45576876])
    expect((await client.get("/concepts/999999999/mappings")).status).toBe(404)
  })

  it("clamps page_size to 200 silently, as the live API does", async () => {
    const reply = await client.get("/concepts/201826/mappings", { page_size: 500 })
    expect(reply.status).toBe(200)
    expect(reply.body.meta.pagination.page_size).toBe(200)
  })
})

describe("POST /concepts/map", () => {
  it("maps native codes to SNOMED and standard concepts back to ICD10CM", async () => {
    const forward = await client.post("/concepts/map", {
      target_vocabulary: "SNOMED",
      source_codes: [
        { vocabulary_id: "ICD10CM", concept_code: "E11.9" },
        { vocabulary_id: "ICD10CM", concept_code: "Z99.99" },
      ],
    })
    expect(forward.status).toBe(200)
    expect(forward.body.data.mappings).toEqual([
      expect.objectContaining({
        source_vocabulary_id: "ICD10CM",
        source_concept_code: "E11.9",
        target_concept_id: 201826,
        target_vocabulary_id: "SNOMED",
        relationship_id: "Maps to",
      }),
    ])
    expect(forward.body.data.failed_mappings).toEqual([
      {
        source_code: { vocabulary_id: "ICD10CM", concept_code: "Z99.99" },
        reason: "Source concept not found",
      },
    ])
    expect(forward.body.data.summary).toEqual({
      total_source_concepts: 2,
      total_mappings: 1,
      mapped_concepts: 1,
      unmapped_concepts: 1,
    })
    const reverse = await client.post("/concepts/map", {
      target_vocabulary: "ICD10CM",
      source_concepts: [201826],
    })
    expect(
      reverse.body.data.mappings
        .map((row: { target_concept_code: string }) => row.target_concept_code)
        .sort(),
    ).toEqual(["E11", "E11.9"])
  })

  it("needs exactly one source list and a target vocabulary", async () => {
    const both = await client.post("/concepts/map", {
      target_vocabulary: "SNOMED",
      source_concepts: [201826],
      source_codes: [{ vocabulary_id: "ICD10CM", concept_code: "E11.9" }],
    })
    expect(both.status).toBe(400)
    expect((await client.post("/concepts/map", { target_vocabulary: "SNOMED" })).status).toBe(400)
    expect((await client.post("/concepts/map", { source_concepts: [201826] })).body.error.code).toBe(
      "missing_required_field",
    )
    expect(
      (await client.post("/concepts/map", { target_vocabulary: "SNOMED", source_concepts: [] })).status,
    ).toBe(400)
    const badCode = await client.post("/concepts/map", {
      target_vocabulary: "SNOMED",
      source_codes: [{ vocabulary_id: "ICD10CM" }],
    })
    expect(badCode.status).toBe(400)
  })
})
