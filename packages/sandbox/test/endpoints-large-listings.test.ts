/**
 * Paged listings over a generated 50,000-concept vocabulary, over real HTTP: pages walked one by one
 * must be consecutive slices of one ordering (no gaps, no repeats), in the documented order
 * (collation of the sort key, case- and accent-insensitive, concept id breaking ties), with
 * consistent pagination meta. The listings are sorted once and then sliced, so these tests pin
 * that the cached orderings equal sorting the whole listing per request.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Sandbox, start } from "../src/index.ts"
import { expectPaginationInvariants } from "./support/EndpointClient.ts"

const total = 50_000
const baseId = 500_000_000
const rootId = baseId + total
const children = 3_000
const words = [
  "acute",
  "chronic",
  "Benign",
  "primary",
  "disorder",
  "finding",
  "syndrome",
  "lesion",
  "fever",
  "pain",
]
const domains = ["Condition", "Observation", "Procedure"]

interface Row {
  readonly id: number
  readonly name: string
  readonly vocabulary: string
  readonly domain: string
  readonly standard: "S" | "C" | ""
  readonly code: string
  readonly invalid: string
}

/** Names repeat (ties broken by id) and differ in case and accents (equal under the listing's collation). */
const rowAt = (i: number): Row => {
  let first = words[i % 10]!
  if (i % 11 === 0) first = first.toUpperCase()
  if (i % 17 === 0) first = first.replace("e", "é")
  return {
    id: baseId + i,
    name: `${first} ${words[Math.floor(i / 10) % 10]} ${Math.floor(i / 3) % 9000}`,
    vocabulary: i < 45_000 ? "BigStd" : "BigSrc",
    domain: domains[i % 3]!,
    standard: i % 5 === 0 ? "" : i % 5 === 1 ? "C" : "S",
    code: `B${(i * 7919) % total}`,
    invalid: i % 23 === 0 ? "D" : "",
  }
}

const rows = Array.from({ length: total }, (_, i) => rowAt(i))
const root: Row = {
  id: rootId,
  name: "big root",
  vocabulary: "BigStd",
  domain: "Condition",
  standard: "S",
  code: "ROOT",
  invalid: "",
}
const baseCollator = new Intl.Collator("en", { sensitivity: "base" }).compare
const collator = new Intl.Collator().compare

let dir: string
let sandbox: Sandbox
const key = "oh_large_listing_key"

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "omophub-sandbox-large-"))
  const line = (row: Row) =>
    `${row.id}\t${row.name}\t${row.domain}\t${row.vocabulary}\tClinical Finding\t${row.standard}\t${row.code}\t20200101\t${row.invalid === "" ? "20991231" : "20201231"}\t${row.invalid}`
  await writeFile(
    path.join(dir, "CONCEPT.csv"),
    `${[
      "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason",
      ...[...rows, root].map(line),
    ].join("\n")}\n`,
  )
  // The first `children` concepts are children of the root.
  const relationships = [
    "concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\tinvalid_reason",
  ]
  for (let i = 0; i < children; i++) {
    relationships.push(`${baseId + i}\t${rootId}\tIs a\t20200101\t20991231\t`)
    relationships.push(`${rootId}\t${baseId + i}\tSubsumes\t20200101\t20991231\t`)
  }
  await writeFile(path.join(dir, "CONCEPT_RELATIONSHIP.csv"), `${relationships.join("\n")}\n`)
  sandbox = await start({ releases: [{ name: "big", vocab: dir }], keys: [key] })
}, 60_000)

afterAll(async () => {
  await sandbox?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies
const get = async (route: string, query: Record<string, string | number>): Promise<any> => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) params.set(name, String(value))
  const response = await fetch(`${sandbox.url}${route}?${params}`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  expect(response.status).toBe(200)
  return response.json()
}

const ids = (items: ReadonlyArray<{ concept_id: number }>) => items.map((item) => item.concept_id)

const sortedIds = (
  selected: ReadonlyArray<Row>,
  keyOf: (row: Row) => string | number,
  order: "asc" | "desc",
): number[] => {
  const sign = order === "asc" ? 1 : -1
  return [...selected]
    .sort((a, b) => {
      const left = keyOf(a)
      const right = keyOf(b)
      const compared =
        typeof left === "number" && typeof right === "number"
          ? left - right
          : baseCollator(String(left), String(right))
      return sign * compared || a.id - b.id
    })
    .map((row) => row.id)
}

/** Pages `pages` of `route` one by one; checks each page's meta and returns the rows of all. */
const walk = async (
  route: string,
  query: Record<string, string | number>,
  pages: ReadonlyArray<number>,
  pageSize: number,
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies
  itemsOf: (body: any) => Array<{ concept_id: number }>,
) => {
  const result: Array<{ page: number; ids: number[]; totalItems: number }> = []
  for (const page of pages) {
    const body = await get(route, { ...query, page, page_size: pageSize })
    expectPaginationInvariants(body.meta.pagination, { page, pageSize })
    result.push({ page, ids: ids(itemsOf(body)), totalItems: body.meta.pagination.total_items })
  }
  return result
}

describe("vocabulary concept listing on 50,000 concepts", () => {
  const bigStd = rows.filter((row) => row.vocabulary === "BigStd").concat(root)
  const cases: Array<{
    name: string
    query: Record<string, string>
    selected: Row[]
    keyOf: (row: Row) => string | number
    order: "asc" | "desc"
  }> = [
    {
      name: "by name (default)",
      query: {},
      selected: bigStd.filter((row) => row.invalid === ""),
      keyOf: (row) => row.name,
      order: "asc",
    },
    {
      name: "by name, descending, invalid included",
      query: { sort_order: "desc", include_invalid: "true" },
      selected: bigStd,
      keyOf: (row) => row.name,
      order: "desc",
    },
    {
      name: "by code, standard only",
      query: { sort_by: "concept_code", standard_concept: "S" },
      selected: bigStd.filter((row) => row.invalid === "" && row.standard === "S"),
      keyOf: (row) => row.code,
      order: "asc",
    },
    {
      name: "by concept id, descending, non-standard",
      query: { sort_by: "concept_id", sort_order: "desc", standard_concept: "N" },
      selected: bigStd.filter((row) => row.invalid === "" && row.standard === ""),
      keyOf: (row) => row.id,
      order: "desc",
    },
  ]
  for (const testCase of cases) {
    it(`walks pages ${testCase.name}: consecutive slices of one ordering`, async () => {
      const expected = sortedIds(testCase.selected, testCase.keyOf, testCase.order)
      const pageSize = 1000
      const last = Math.ceil(expected.length / pageSize)
      const pages = await walk(
        "/vocabularies/BigStd/concepts",
        testCase.query,
        [1, 2, 3, 17, last, last + 1],
        pageSize,
        (body) => body.data,
      )
      for (const { page, ids: pageIds, totalItems } of pages) {
        expect(totalItems).toBe(expected.length)
        expect(pageIds).toEqual(expected.slice((page - 1) * pageSize, page * pageSize))
      }
      // A different page size cuts the same ordering.
      const small = await walk(
        "/vocabularies/BigStd/concepts",
        testCase.query,
        [1, 2, 40],
        25,
        (body) => body.data,
      )
      for (const { page, ids: pageIds } of small) {
        expect(pageIds).toEqual(expected.slice((page - 1) * 25, page * 25))
      }
    })
  }

  it("sorts the matches of a search the same way, page by page", async () => {
    const query = { search: "chronic pain", sort_by: "name", sort_order: "desc" }
    const first = await get("/vocabularies/BigStd/concepts", { ...query, page_size: 1000 })
    const totalItems: number = first.meta.pagination.total_items
    expect(totalItems).toBeGreaterThan(100)
    expect(totalItems).toBeLessThan(1000)
    const all: number[] = ids(first.data)
    const byId = new Map(rows.map((row) => [row.id, row]))
    // Every match names both words; the order is the listing's.
    for (const id of all) expect(byId.get(id)!.name.toLowerCase()).toMatch(/chronic|pain/)
    expect(all).toEqual(
      sortedIds(
        all.map((id) => byId.get(id)!),
        (row) => row.name,
        "desc",
      ),
    )
    const paged = await walk("/vocabularies/BigStd/concepts", query, [1, 2, 3, 4], 30, (body) => body.data)
    expect(paged.flatMap((page) => page.ids)).toEqual(all.slice(0, 120))
  })
})

describe("basic search with a sort on 50,000 concepts", () => {
  it("pages by name are slices of one ordering, facets count every match", async () => {
    const query = { query: "fever", sort_by: "name", vocab_release: "big" }
    const pages = await walk("/search/concepts", query, [1, 2, 3], 200, (body) => body.data.concepts)
    const wide = await get("/search/concepts", { ...query, page_size: 600 })
    expect(pages.flatMap((page) => page.ids)).toEqual(ids(wide.data.concepts))
    const byId = new Map(rows.map((row) => [row.id, row]))
    const wideIds = ids(wide.data.concepts)
    expect(wideIds).toEqual(
      sortedIds(
        wideIds.map((id) => byId.get(id)!),
        (row) => row.name,
        "asc",
      ),
    )
    const totalResults: number = wide.data.search_metadata.total_results
    expect(totalResults).toBeGreaterThan(600)
    for (const facet of ["vocabularies", "domains", "concept_classes"]) {
      const counts = wide.data.facets[facet] as Array<{ value: string; count: number }>
      expect(counts.reduce((sum, item) => sum + item.count, 0)).toBe(totalResults)
      for (let index = 1; index < counts.length; index++) {
        const [before, after] = [counts[index - 1]!, counts[index]!]
        expect(
          before.count > after.count ||
            (before.count === after.count && collator(before.value, after.value) <= 0),
        ).toBe(true)
      }
    }
  })

  it("pages by relevance are slices of one ordering", async () => {
    const query = { query: "chronic fever" }
    const pages = await walk("/search/concepts", query, [1, 2, 5], 20, (body) => body.data.concepts)
    const wide = await get("/search/concepts", { ...query, page_size: 100 })
    const wideIds = ids(wide.data.concepts)
    expect(pages[0]!.ids).toEqual(wideIds.slice(0, 20))
    expect(pages[1]!.ids).toEqual(wideIds.slice(20, 40))
    expect(pages[2]!.ids).toEqual(wideIds.slice(80, 100))
    const scores = wide.data.concepts.map((row: { score: number }) => row.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
  })
})

describe("domain and hierarchy listings on 50,000 concepts", () => {
  it("walks a domain's concepts in concept id order", async () => {
    const expected = rows
      .concat(root)
      .filter((row) => row.domain === "Condition" && row.invalid === "" && row.vocabulary === "BigSrc")
      .map((row) => row.id)
    const query = { vocabulary_ids: "BigSrc" }
    const last = Math.ceil(expected.length / 500)
    const pages = await walk(
      "/domains/Condition/concepts",
      query,
      [1, 2, last, last + 1],
      500,
      (body) => body.data.concepts,
    )
    for (const { page, ids: pageIds, totalItems } of pages) {
      expect(totalItems).toBe(expected.length)
      expect(pageIds).toEqual(expected.slice((page - 1) * 500, page * 500))
    }
  })

  it("walks a root's descendants nearest first, then by name", async () => {
    const expected = rows
      .slice(0, children)
      .filter((row) => row.invalid === "")
      .sort((a, b) => collator(a.name, b.name))
      .map((row) => row.id)
    const pages = await walk(
      `/concepts/${rootId}/descendants`,
      {},
      [1, 2, 3, 4],
      1000,
      (body) => body.data.descendants,
    )
    const seen = pages.flatMap((page) => page.ids)
    expect(pages[0]!.totalItems).toBe(expected.length)
    expect(new Set(seen).size).toBe(seen.length)
    const byId = new Map(rows.map((row) => [row.id, row]))
    const names = seen.map((id) => byId.get(id)!.name)
    for (let index = 1; index < names.length; index++) {
      expect(collator(names[index - 1]!, names[index]!)).toBeLessThanOrEqual(0)
    }
    expect(new Set(seen)).toEqual(new Set(expected))
  })
})
