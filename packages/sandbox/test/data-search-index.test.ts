import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { loadAthenaRelease } from "../src/data/AthenaLoader.ts"
import type { VocabularyRelease } from "../src/data/Release.ts"
import { lexicalScore, prepareQuery } from "../src/data/Scoring.ts"
import { searchIndexOf } from "../src/data/SearchIndex.ts"
import { syntheaDir } from "./support/EndpointClient.ts"

/** The reference: score every concept of the release, as search did before it had an index. */
const scanAll = (release: VocabularyRelease, query: string, exactOnly: boolean) =>
  release.conceptList.flatMap((concept) => {
    const match = lexicalScore(
      query,
      release.searchText.get(concept.concept_id) ?? [],
      concept.concept_code,
      exactOnly,
    )
    return match === undefined ? [] : [{ id: concept.concept_id, ...match }]
  })

const viaIndex = (release: VocabularyRelease, query: string, exactOnly: boolean) =>
  searchIndexOf(release)
    .lexicalSearch(prepareQuery(query), exactOnly, () => true)
    .map((hit) => ({ id: hit.concept.concept_id, ...hit.match }))

describe("SearchIndex on synthea27nj", () => {
  let release: VocabularyRelease
  beforeAll(async () => {
    release = await loadAthenaRelease(syntheaDir, "synthea")
  })

  it("finds exactly what scoring every concept finds, for hand-picked queries", () => {
    const queries = [
      "diabetes",
      "Type 2 Diabetes Mellitus",
      "  type 2 diabetes mellitus ",
      "diab mell",
      "mellitus type",
      "2",
      "e",
      "44054006",
      "4405",
      "[JDF'U]",
      "%",
      "zzzzqqq",
      "betes",
    ]
    for (const query of queries) {
      for (const exactOnly of [false, true]) {
        expect(viaIndex(release, query, exactOnly), `${query} exact=${exactOnly}`).toEqual(
          scanAll(release, query, exactOnly),
        )
      }
    }
    // Guard against two empty lists agreeing: the common queries do match.
    expect(viaIndex(release, "diabetes", false).length).toBe(16)
    expect(viaIndex(release, "44054006", false)[0]).toMatchObject({ id: 201826, matchType: "code" })
  })

  it("finds exactly what scoring every concept finds, for pieces of real names and codes", () => {
    const concepts = release.conceptList
    const piece = fc
      .record({
        index: fc.nat({ max: concepts.length - 1 }),
        start: fc.nat({ max: 40 }),
        length: fc.integer({ min: 1, max: 20 }),
        words: fc.boolean(),
        code: fc.boolean(),
      })
      .map(({ index, start, length, words, code }) => {
        const concept = concepts[index]!
        const text = code ? concept.concept_code : concept.concept_name
        if (!words) return text.slice(start % text.length, (start % text.length) + length)
        // Word prefixes in reverse order: the all-words match path.
        return text
          .split(" ")
          .map((word) => word.slice(0, 1 + (length % 5)))
          .reverse()
          .join(" ")
      })
    fc.assert(
      fc.property(piece, fc.boolean(), (query, exactOnly) => {
        expect(viaIndex(release, query, exactOnly)).toEqual(scanAll(release, query, exactOnly))
      }),
      { numRuns: 80 },
    )
  })
})
