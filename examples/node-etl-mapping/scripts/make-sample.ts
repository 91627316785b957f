/**
 * Writes data/source-codes.csv, the sample input of the ETL example: `node scripts/make-sample.ts`.
 *
 * Deterministic (a seeded generator), so re-running it gives the same file. The rows look like a
 * source system's diagnosis, drug, lab and unit columns flattened into (vocabulary_id, concept_code):
 *
 * - about 88 % are codes of the sandbox's built-in vocabulary, drawn with a skewed (Zipf-like)
 *   frequency so a few codes (E11.9, I10, ...) repeat hundreds of times and others are rare;
 * - about 8 % are well-formed codes that exist in no vocabulary release the sandbox serves (a long
 *   tail, most of them unique, as in real extracts);
 * - about 4 % are awkward: surrounding or non-breaking spaces, a lower-cased code, a full-width
 *   letter, a comma or a quote inside the code, an empty code or vocabulary, an unknown vocabulary,
 *   a licence-restricted vocabulary (CPT4), and the real UCUM codes with `%`, `{`, `[`, `/`, `'` and
 *   spaces in them.
 */
import { writeFileSync } from "node:fs"
import { builtinRelease } from "@omophub/sandbox"
import { formatCsvRow } from "../src/csv.ts"

const rows = 3000
const output = new URL("../data/source-codes.csv", import.meta.url)

/** mulberry32: a small seeded PRNG, good enough for sample data. */
const random = (() => {
  let state = 0x5eed_2026
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
})()
const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("")

// Known codes, most frequent first: source vocabularies (ICD10CM) lead, as in a claims extract.
const release = builtinRelease("sample")
const preferred = ["ICD10CM", "SNOMED", "RxNorm", "LOINC", "UCUM"]
const known = [...release.concepts.values()]
  .filter((concept) => preferred.includes(concept.vocabulary_id))
  .sort(
    (a, b) =>
      preferred.indexOf(a.vocabulary_id) - preferred.indexOf(b.vocabulary_id) || a.concept_id - b.concept_id,
  )
  .map((concept) => [concept.vocabulary_id, concept.concept_code] as const)
const weights = known.map((_, rank) => 1 / (rank + 1) ** 0.9)
const totalWeight = weights.reduce((sum, weight) => sum + weight, 0)
const pickKnown = () => {
  let target = random() * totalWeight
  for (const [index, weight] of weights.entries()) {
    target -= weight
    if (target <= 0) return known[index]!
  }
  return known[known.length - 1]!
}

// Shaped like real codes, but absent from the built-in vocabulary.
const unknown = (): readonly [string, string] => {
  switch (Math.floor(random() * 4)) {
    case 0:
      return [
        "ICD10CM",
        `${pick(["J", "K", "M", "R", "Z"])}${digits(2)}.${digits(1 + Math.floor(random() * 2))}`,
      ]
    case 1:
      return ["SNOMED", `${1 + Math.floor(random() * 9)}${digits(8)}`]
    case 2:
      return ["LOINC", `${digits(4)}-${digits(1)}`]
    default:
      return ["RxNorm", digits(6)]
  }
}

const awkward: ReadonlyArray<readonly [string, string]> = [
  ["ICD10CM", " I10 "], // surrounding spaces: trimmed, then mapped
  ["ICD10CM", "E11.9\u00a0"], // a trailing non-breaking space: trimmed too
  ["ICD10CM", "e11.9"], // codes are case-sensitive: not found
  ["ICD10CM", "\uff2511.9"], // a full-width E: not found
  ["ICD10CM", "E11,9"], // a comma inside the code (quoted in the CSV)
  ["ICD10CM", 'E11"9'], // a quote inside the code (doubled in the CSV)
  ["ICD10CM", ""], // empty code: invalid, never sent
  ["", "E11.9"], // empty vocabulary: invalid, never sent
  ["ICD9CM", "250.00"], // a vocabulary the release does not have: not found
  ["CPT4", "99213"], // licence-restricted vocabulary: the API refuses it (error)
  ["UCUM", "%{CD19+'cells}"],
  ["UCUM", "ml/cm [H2O]"],
  ["UCUM", "mm[Hg]"],
  ["UCUM", "{cells}/uL"],
  ["UCUM", "Ms"],
]

const lines = [formatCsvRow(["vocabulary_id", "concept_code"])]
for (let index = 0; index < rows; index++) {
  const roll = random()
  const [vocabularyId, conceptCode] = roll < 0.88 ? pickKnown() : roll < 0.96 ? unknown() : pick(awkward)
  lines.push(formatCsvRow([vocabularyId, conceptCode]))
}
writeFileSync(output, `${lines.join("\n")}\n`)
console.log(`wrote ${rows} rows to ${output.pathname}`)
