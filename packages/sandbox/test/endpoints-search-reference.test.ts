/**
 * Basic search (`GET /search/concepts`) over real HTTP against a plain reference written here:
 * score every concept with `lexicalScore`, filter, sort the whole list with the collator, slice the
 * page, count the facets in maps, then `JSON.stringify` the `data` object. The served `data` must be
 * the same bytes (with `processing_time_ms` set to 0), for many queries, sorts, pages and filters —
 * the server's partial selection, precomputed collation ranks, facet codes and hand-built JSON
 * must never show.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadAthenaRelease } from "../src/data/AthenaLoader.ts"
import type { Concept, VocabularyRelease } from "../src/data/Release.ts"
import { lexicalScore } from "../src/data/Scoring.ts"
import { type Sandbox, start } from "../src/index.ts"
import { syntheaDir } from "./support/EndpointClient.ts"

const key = "oh_search_reference_key"
let sandbox: Sandbox
let release: VocabularyRelease

beforeAll(async () => {
  release = await loadAthenaRelease(syntheaDir, "synthea")
  sandbox = await start({ releases: [{ name: "synthea", vocab: syntheaDir }], keys: [key] })
})
afterAll(async () => {
  await sandbox?.close()
})

const baseCollator = new Intl.Collator("en", { sensitivity: "base" }).compare
const collator = new Intl.Collator().compare

interface Params {
  readonly query: string
  readonly sort_by?: "relevance" | "name" | "code" | "date"
  readonly sort_order?: "asc" | "desc"
  readonly page?: number
  readonly page_size?: number
  readonly vocabulary_ids?: string
  readonly domain_ids?: string
  readonly standard_concept?: "S" | "C" | "N"
  readonly include_invalid?: boolean
  readonly min_score?: number
  readonly exact_match?: boolean
}

const reference = (params: Params) => {
  const vocabularies = params.vocabulary_ids?.split(",")
  const domains = params.domain_ids?.split(",")
  const matches: Array<{ concept: Concept; score: number }> = []
  for (const concept of release.conceptList) {
    if (vocabularies !== undefined && !vocabularies.includes(concept.vocabulary_id)) continue
    if (domains !== undefined && !domains.includes(concept.domain_id)) continue
    if (
      params.standard_concept !== undefined &&
      (concept.standard_concept ?? "N") !== params.standard_concept
    )
      continue
    if (params.include_invalid !== true && concept.invalid_reason !== null) continue
    const match = lexicalScore(
      params.query,
      release.searchText.get(concept.concept_id) ?? [],
      concept.concept_code,
      params.exact_match === true,
    )
    if (match !== undefined && match.score >= (params.min_score ?? 0))
      matches.push({ concept, score: match.score })
  }
  const sortBy = params.sort_by ?? "relevance"
  const sign = (params.sort_order ?? (sortBy === "relevance" ? "desc" : "asc")) === "asc" ? 1 : -1
  const keyOf = (item: { concept: Concept; score: number }): string | number =>
    sortBy === "name"
      ? item.concept.concept_name
      : sortBy === "code"
        ? item.concept.concept_code
        : sortBy === "date"
          ? item.concept.valid_start_date
          : item.score * 1000 - Math.min(999, item.concept.concept_name.length)
  const sorted = [...matches].sort((a, b) => {
    const left = keyOf(a)
    const right = keyOf(b)
    const compared =
      typeof left === "number" && typeof right === "number"
        ? left - right
        : baseCollator(String(left), String(right))
    return sign * compared || a.concept.concept_id - b.concept.concept_id
  })
  const page = params.page ?? 1
  const pageSize = params.page_size ?? 20
  const facet = (field: (concept: Concept) => string) => {
    const counts = new Map<string, number>()
    for (const { concept } of matches) counts.set(field(concept), (counts.get(field(concept)) ?? 0) + 1)
    return [...counts]
      .sort((a, b) => b[1] - a[1] || collator(a[0], b[0]))
      .map(([value, count]) => ({ value, count }))
  }
  return {
    concepts: sorted
      .slice((page - 1) * pageSize, page * pageSize)
      .map(({ concept, score }) => ({ ...concept, score, relevance_score: score })),
    facets: {
      vocabularies: facet((concept) => concept.vocabulary_id),
      domains: facet((concept) => concept.domain_id),
      concept_classes: facet((concept) => concept.concept_class_id),
    },
    search_metadata: {
      query: params.query,
      total_results: matches.length,
      processing_time_ms: 0,
      query_enhanced: false,
    },
  }
}

/** The raw `data` JSON of the answer, `processing_time_ms` zeroed. */
const served = async (params: Params): Promise<string> => {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) query.set(name, String(value))
  const response = await fetch(`${sandbox.url}/search/concepts?${query}`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  const body = await response.text()
  expect(response.status, body).toBe(200)
  return body
    .slice(body.indexOf('"data":') + '"data":'.length, body.lastIndexOf(',"meta":'))
    .replace(/"processing_time_ms":\d+/, '"processing_time_ms":0')
}

const cases: Params[] = [
  { query: "diabetes" },
  { query: "Diabetes", page: 2, page_size: 5 },
  { query: "disorder" },
  { query: "disorder", page: 3, page_size: 7 },
  { query: "disorder", page: 40, page_size: 50 },
  { query: "disorder", sort_by: "name" },
  { query: "disorder", sort_by: "name", sort_order: "desc", page: 2, page_size: 30 },
  { query: "disorder", sort_by: "code", page: 4, page_size: 10 },
  { query: "disorder", sort_by: "date", sort_order: "desc", page_size: 100 },
  { query: "disorder", sort_order: "asc", page: 2 },
  { query: "of", page_size: 1000 },
  { query: "e", page: 5, page_size: 3 },
  { query: "pain", vocabulary_ids: "SNOMED", domain_ids: "Condition,Observation" },
  { query: "acute", standard_concept: "S", include_invalid: true },
  { query: "acute", standard_concept: "N", sort_by: "name" },
  { query: "chronic", min_score: 0.45 },
  { query: "Hypertension", exact_match: true },
  { query: "mg", sort_by: "code", sort_order: "desc", page: 2, page_size: 25 },
  { query: "diab mell" },
  { query: "zzzz-no-such-concept" },
  { query: "125.", page_size: 2 },
]

describe("basic search against a full-sort reference on synthea27nj", () => {
  for (const params of cases) {
    it(`serves the reference bytes for ${JSON.stringify(params)}`, async () => {
      expect(await served(params)).toBe(JSON.stringify(reference(params)))
    })
  }
})
