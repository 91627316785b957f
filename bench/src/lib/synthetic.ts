/**
 * A synthetic vocabulary in Athena format (tab-separated, YYYYMMDD dates), for workloads larger than
 * the Synthea subset's 2,294 concepts: `BenchStd` holds standard concepts, `BenchSrc` non-standard
 * source codes, each with a 'Maps to' a standard concept (and the reverse 'Mapped from').
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"

export const standardVocabulary = "BenchStd"
export const sourceVocabulary = "BenchSrc"
const standardBase = 1_000_000_000
const sourceBase = 2_000_000_000

export interface SyntheticVocabulary {
  readonly dir: string
  readonly standardIds: ReadonlyArray<number>
  readonly sourceIds: ReadonlyArray<number>
  readonly sourceCodes: ReadonlyArray<{ readonly vocabularyId: string; readonly conceptCode: string }>
  readonly remove: () => Promise<void>
}

const words = [
  "acute",
  "chronic",
  "benign",
  "primary",
  "disorder",
  "finding",
  "syndrome",
  "lesion",
  "fever",
  "pain",
]

export const generateVocabulary = async (standard: number, sources: number): Promise<SyntheticVocabulary> => {
  const dir = await mkdtemp(path.join(tmpdir(), "omophub-bench-vocab-"))
  const concepts = [
    "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason",
  ]
  const relationships = [
    "concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\tinvalid_reason",
  ]
  const standardIds: number[] = []
  for (let i = 0; i < standard; i++) {
    const id = standardBase + i
    standardIds.push(id)
    const name = `${words[i % 10]} ${words[Math.floor(i / 10) % 10]} ${words[Math.floor(i / 100) % 10]} ${i}`
    concepts.push(
      `${id}\t${name}\tCondition\t${standardVocabulary}\tClinical Finding\tS\tS${i}\t20200101\t20991231\t`,
    )
  }
  const sourceIds: number[] = []
  const sourceCodes: Array<{ vocabularyId: string; conceptCode: string }> = []
  for (let i = 0; i < sources; i++) {
    const id = sourceBase + i
    const target = standardBase + ((i * 7) % standard)
    sourceIds.push(id)
    sourceCodes.push({ vocabularyId: sourceVocabulary, conceptCode: `C${i}` })
    concepts.push(
      `${id}\tsource code ${i}\tCondition\t${sourceVocabulary}\tDiagnosis\t\tC${i}\t20200101\t20991231\t`,
    )
    relationships.push(`${id}\t${target}\tMaps to\t20200101\t20991231\t`)
    relationships.push(`${target}\t${id}\tMapped from\t20200101\t20991231\t`)
  }
  await writeFile(path.join(dir, "CONCEPT.csv"), `${concepts.join("\n")}\n`)
  await writeFile(path.join(dir, "CONCEPT_RELATIONSHIP.csv"), `${relationships.join("\n")}\n`)
  return { dir, standardIds, sourceIds, sourceCodes, remove: () => rm(dir, { recursive: true, force: true }) }
}
