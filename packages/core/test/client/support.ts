// Helpers for the client tests (pagination, batching, cache) over real HTTP against the sandbox.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { syntheaVocab } from "../pipeline/support.ts"

export { failureOf, runWithClient, syntheaVocab, waitUntil } from "../pipeline/support.ts"

/** Concept rows of the Synthea subset: id, name, vocabulary and standard flag. */
export const syntheaConcepts = (): ReadonlyArray<{
  readonly id: number
  readonly name: string
  readonly vocabularyId: string
  readonly standard: string
}> =>
  readFileSync(path.join(syntheaVocab, "CONCEPT.csv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [id, name, , vocabularyId, , standard] = line.split("\t")
      return { id: Number(id), name: name ?? "", vocabularyId: vocabularyId ?? "", standard: standard ?? "" }
    })

/** A scripted search page without pagination meta (the `status` fault replaces the real answer). */
export const pageWithoutMeta = (ids: ReadonlyArray<number>) => ({
  success: true,
  data: { concepts: ids.map(conceptRow) },
  meta: { request_id: "req_scripted" },
})

/** A scripted search page with the given pagination meta. */
export const pageWithMeta = (ids: ReadonlyArray<number>, pagination: Record<string, unknown>) => ({
  success: true,
  data: { concepts: ids.map(conceptRow) },
  meta: { request_id: "req_scripted", pagination },
})

const conceptRow = (id: number) => ({
  concept_id: id,
  concept_name: `Concept ${id}`,
  vocabulary_id: "SNOMED",
  concept_code: String(id),
})

/** The `Maps to` rows of the Synthea subset. */
export const syntheaMapsTo = (): ReadonlyArray<{ readonly from: number; readonly to: number }> =>
  readFileSync(path.join(syntheaVocab, "CONCEPT_RELATIONSHIP.csv"), "utf8")
    .split("\n")
    .map((line) => line.split("\t"))
    .filter((fields) => fields[2] === "Maps to")
    .map((fields) => ({ from: Number(fields[0]), to: Number(fields[1]) }))
