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

describe("GET /vocabularies", () => {
  it("lists vocabularies in a named wrapper, paged", async () => {
    const reply = await client.get("/vocabularies", { page_size: 200, ...synthea })
    expect(reply.status).toBe(200)
    const ids = reply.body.data.vocabularies.map((row: { vocabulary_id: string }) => row.vocabulary_id)
    expect(ids).toContain("SNOMED")
    expect(ids).toHaveLength(6)
    const snomed = reply.body.data.vocabularies.find(
      (row: { vocabulary_id: string }) => row.vocabulary_id === "SNOMED",
    )
    expect(snomed).toMatchObject({
      vocabulary_name: expect.stringContaining("Systematic"),
      created_at: expect.any(String),
    })
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 200 })
  })

  it("pages with has_previous on page 2", async () => {
    const first = await client.get("/vocabularies", { page_size: 4, ...synthea })
    expectPaginationInvariants(first.body.meta.pagination, { page: 1, pageSize: 4 })
    expect(first.body.meta.pagination).toMatchObject({ total_items: 6, total_pages: 2, has_next: true })
    const second = await client.get("/vocabularies", { page_size: 4, page: 2, ...synthea })
    expect(second.body.data.vocabularies).toHaveLength(2)
    expect(second.body.meta.pagination).toMatchObject({ page: 2, has_previous: true, has_next: false })
    const beyond = await client.get("/vocabularies", { page_size: 4, page: 9, ...synthea })
    expect(beyond.body.data.vocabularies).toEqual([])
    expect((await client.get("/vocabularies", { sort_by: "size" })).status).toBe(400)
  })
})

describe("GET /vocabularies/{id} and stats", () => {
  it("returns one vocabulary, and vocabulary_not_found for unknown ids", async () => {
    const reply = await client.get("/vocabularies/UCUM", synthea)
    expect(reply.body.data).toMatchObject({ vocabulary_id: "UCUM" })
    const unknown = await client.get("/vocabularies/NOPE")
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe("vocabulary_not_found")
  })

  it("counts concepts per vocabulary and per domain", async () => {
    const stats = await client.get("/vocabularies/SNOMED/stats", synthea)
    expect(stats.body.data).toMatchObject({ vocabulary_id: "SNOMED", total_concepts: 701 })
    const distribution = stats.body.data.domain_distribution
    expect(
      distribution.reduce((sum: number, row: { concept_count: number }) => sum + row.concept_count, 0),
    ).toBe(701)
    const condition = await client.get("/vocabularies/SNOMED/stats/domains/Condition", synthea)
    expect(condition.body.data).toMatchObject({ vocabulary_id: "SNOMED", domain_id: "Condition" })
    expect(condition.body.data.total_concepts).toBeGreaterThan(0)
    expect((await client.get("/vocabularies/NOPE/stats")).status).toBe(404)
  })
})

describe("GET /vocabularies/domains and /vocabularies/concept-classes", () => {
  it("wraps domains and returns classes as a bare array", async () => {
    const domains = await client.get("/vocabularies/domains", synthea)
    expect(domains.body.data.domains.map((row: { domain_id: string }) => row.domain_id)).toContain(
      "Condition",
    )
    expect(domains.body.meta.pagination).toBeUndefined()
    const classes = await client.get("/vocabularies/concept-classes", synthea)
    expect(Array.isArray(classes.body.data)).toBe(true)
    expect(classes.body.data).toContainEqual({
      concept_class_id: "Clinical Finding",
      concept_class_name: "Clinical Finding",
      concept_class_concept_id: 0,
    })
  })
})

describe("GET /vocabularies/{id}/concepts", () => {
  it("returns a paged bare array with search, filters and sorting", async () => {
    const reply = await client.get("/vocabularies/Visit/concepts", { sort_by: "concept_id", ...synthea })
    expect(reply.body.data.map((row: { concept_id: number }) => row.concept_id)).toEqual([9201, 9202, 9203])
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 20 })
    const searched = await client.get("/vocabularies/UCUM/concepts", {
      search: "cells",
      page_size: 5,
      ...synthea,
    })
    expect(searched.body.data).toHaveLength(5)
    expect(searched.body.meta.pagination.total_items).toBeGreaterThan(5)
    const nonStandard = await client.get("/vocabularies/SNOMED/concepts", {
      standard_concept: "N",
      include_invalid: true,
      page_size: 1000,
      ...synthea,
    })
    expect(
      nonStandard.body.data.every((row: { standard_concept: null }) => row.standard_concept === null),
    ).toBe(true)
    expect(nonStandard.body.data.length).toBeGreaterThan(0)
    expect((await client.get("/vocabularies/NOPE/concepts")).status).toBe(404)
    expect((await client.get("/vocabularies/UCUM/concepts", { page_size: 1001 })).status).toBe(400)
  })
})

describe("GET /domains and /domains/{id}/concepts", () => {
  it("lists domains unpaged, with stats on request", async () => {
    const reply = await client.get("/domains", { include_stats: true, ...synthea })
    const ids = reply.body.data.domains.map((row: { domain_id: string }) => row.domain_id)
    expect(ids).toEqual(expect.arrayContaining(["Condition", "Drug"]))
    expect(reply.body.meta.pagination).toBeUndefined()
    const condition = reply.body.data.domains.find(
      (row: { domain_id: string }) => row.domain_id === "Condition",
    )
    expect(condition.stats.total_concepts).toBe(230)
  })

  it("pages a domain's concepts and answers an unknown domain with an empty page", async () => {
    const reply = await client.get("/domains/Condition/concepts", { page_size: 7, ...synthea })
    expect(reply.body.data.concepts).toHaveLength(7)
    // Invalid concepts are left out unless include_invalid is set.
    expect(reply.body.meta.pagination.total_items).toBe(227)
    const withInvalid = await client.get("/domains/Condition/concepts", { include_invalid: true, ...synthea })
    expect(withInvalid.body.meta.pagination.total_items).toBe(230)
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 7 })
    const standard = await client.get("/domains/Condition/concepts", {
      standard_only: true,
      page_size: 1000,
      ...synthea,
    })
    expect(
      standard.body.data.concepts.every((row: { standard_concept: string }) => row.standard_concept === "S"),
    ).toBe(true)
    const unknown = await client.get("/domains/Nonsense/concepts")
    expect(unknown.status).toBe(200)
    expect(unknown.body.data.concepts).toEqual([])
    expectPaginationInvariants(unknown.body.meta.pagination, { page: 1, pageSize: 50 })
  })
})

describe("GET /relationships/types", () => {
  it("lists relationship types with reverse ids, capped at 500 per page", async () => {
    const reply = await client.get("/relationships/types", synthea)
    const types = reply.body.data.relationship_types
    expect(types.find((row: { relationship_id: string }) => row.relationship_id === "Maps to")).toMatchObject(
      {
        reverse_relationship_id: "Mapped from",
        is_hierarchical: false,
        usage_count: 2232,
      },
    )
    expect(types.find((row: { relationship_id: string }) => row.relationship_id === "Is a")).toMatchObject({
      is_hierarchical: true,
      defines_ancestry: true,
    })
    expectPaginationInvariants(reply.body.meta.pagination, { page: 1, pageSize: 100 })
    expect((await client.get("/relationships/types", { page_size: 501 })).status).toBe(400)
  })
})
