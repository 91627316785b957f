/**
 * Reads an Athena vocabulary download (tab-separated, one header line, YYYYMMDD dates, no quoting).
 * Only CONCEPT.csv is required; every other table is optional and derived when absent. Every row
 * is validated here, at load time, so a bad file fails fast with its name and line instead of
 * surfacing mid-request.
 */
import { readFile, stat } from "node:fs/promises"
import path from "node:path"
import { buildRelease } from "./BuildRelease.ts"
import type {
  Concept,
  ConceptAncestorRow,
  ConceptClass,
  ConceptRelationshipRow,
  ConceptSynonymRow,
  Domain,
  RelationshipType,
  Vocabulary,
  VocabularyRelease,
} from "./Release.ts"

export class VocabularyLoadError extends Error {
  readonly file: string
  readonly line: number | undefined
  constructor(file: string, line: number | undefined, reason: string) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`)
    this.name = "VocabularyLoadError"
    this.file = file
    this.line = line
  }
}

/** One data row, read by column name; every accessor validates and names the row on failure. */
class Row {
  readonly file: string
  readonly line: number
  readonly cells: ReadonlyArray<string>
  readonly columns: ReadonlyMap<string, number>
  constructor(
    file: string,
    line: number,
    cells: ReadonlyArray<string>,
    columns: ReadonlyMap<string, number>,
  ) {
    this.file = file
    this.line = line
    this.cells = cells
    this.columns = columns
  }

  fail(reason: string): never {
    throw new VocabularyLoadError(this.file, this.line, reason)
  }

  raw(column: string): string {
    const index = this.columns.get(column)
    // Columns are checked against the header before any row is read.
    return index === undefined ? "" : (this.cells[index] ?? "")
  }

  text(column: string): string {
    const value = this.raw(column)
    if (value.trim() === "") this.fail(`empty ${column}`)
    return value
  }

  optionalText(column: string): string | null {
    const value = this.raw(column)
    return value === "" ? null : value
  }

  integer(column: string): number {
    const value = this.raw(column).trim()
    if (!/^-?\d{1,15}$/.test(value)) this.fail(`${column} is not an integer: ${JSON.stringify(value)}`)
    return Number(value)
  }

  optionalInteger(column: string, fallback: number): number {
    return this.raw(column).trim() === "" ? fallback : this.integer(column)
  }

  date(column: string): string {
    const value = this.raw(column).trim()
    const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
    if (compact === null) this.fail(`${column} is not a YYYYMMDD date: ${JSON.stringify(value)}`)
    const [, year, month, day] = compact
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) {
      this.fail(`${column} is not a valid date: ${JSON.stringify(value)}`)
    }
    return `${year}-${month}-${day}`
  }

  flag(column: string): boolean {
    const value = this.raw(column).trim()
    if (value === "" || value === "0") return false
    if (value === "1") return true
    return this.fail(`${column} must be 0 or 1: ${JSON.stringify(value)}`)
  }
}

const readTable = async <T>(
  dir: string,
  file: string,
  requiredColumns: ReadonlyArray<string>,
  toRecord: (row: Row) => T,
): Promise<T[] | undefined> => {
  const filePath = path.join(dir, file)
  let content: string
  try {
    content = await readFile(filePath, "utf8")
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw new VocabularyLoadError(filePath, undefined, `cannot be read (${(cause as Error).message})`)
  }
  const lines = content.split(/\r?\n/)
  const header = (lines[0] ?? "").replace(/^\uFEFF/, "").split("\t")
  const columns = new Map(header.map((name, index) => [name.trim().toLowerCase(), index]))
  const missing = requiredColumns.filter((column) => !columns.has(column))
  if (missing.length > 0) throw new VocabularyLoadError(filePath, 1, `header lacks ${missing.join(", ")}`)

  const records: T[] = []
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] ?? ""
    if (line === "") continue
    const cells = line.split("\t")
    const row = new Row(filePath, index + 1, cells, columns)
    if (cells.length !== header.length) {
      row.fail(`expected ${header.length} tab-separated fields, found ${cells.length}`)
    }
    records.push(toRecord(row))
  }
  return records
}

const toConcept = (row: Row): Concept => {
  const standard = row.raw("standard_concept").trim()
  if (standard !== "" && standard !== "S" && standard !== "C") {
    row.fail(`standard_concept must be S, C or empty: ${JSON.stringify(standard)}`)
  }
  return {
    concept_id: row.integer("concept_id"),
    concept_name: row.text("concept_name"),
    domain_id: row.text("domain_id"),
    vocabulary_id: row.text("vocabulary_id"),
    concept_class_id: row.text("concept_class_id"),
    standard_concept: standard === "" ? null : standard,
    concept_code: row.text("concept_code"),
    valid_start_date: row.date("valid_start_date"),
    valid_end_date: row.date("valid_end_date"),
    invalid_reason: row.optionalText("invalid_reason"),
  }
}

const toRelationship = (row: Row): ConceptRelationshipRow => ({
  concept_id_1: row.integer("concept_id_1"),
  concept_id_2: row.integer("concept_id_2"),
  relationship_id: row.text("relationship_id"),
  valid_start_date: row.date("valid_start_date"),
  valid_end_date: row.date("valid_end_date"),
  invalid_reason: row.optionalText("invalid_reason"),
})

const toAncestor = (row: Row): ConceptAncestorRow => ({
  ancestor_concept_id: row.integer("ancestor_concept_id"),
  descendant_concept_id: row.integer("descendant_concept_id"),
  min_levels_of_separation: row.integer("min_levels_of_separation"),
  max_levels_of_separation: row.integer("max_levels_of_separation"),
})

const toSynonym = (row: Row): ConceptSynonymRow => ({
  concept_id: row.integer("concept_id"),
  concept_synonym_name: row.text("concept_synonym_name"),
  language_concept_id: row.optionalInteger("language_concept_id", 0),
})

const toVocabulary = (row: Row): Vocabulary => ({
  vocabulary_id: row.text("vocabulary_id"),
  vocabulary_name: row.text("vocabulary_name"),
  vocabulary_reference: row.optionalText("vocabulary_reference"),
  vocabulary_version: row.optionalText("vocabulary_version"),
  vocabulary_concept_id: row.optionalInteger("vocabulary_concept_id", 0),
})

const toDomain = (row: Row): Domain => ({
  domain_id: row.text("domain_id"),
  domain_name: row.text("domain_name"),
  domain_concept_id: row.optionalInteger("domain_concept_id", 0),
})

const toConceptClass = (row: Row): ConceptClass => ({
  concept_class_id: row.text("concept_class_id"),
  concept_class_name: row.text("concept_class_name"),
  concept_class_concept_id: row.optionalInteger("concept_class_concept_id", 0),
})

const toRelationshipType = (row: Row): RelationshipType => ({
  relationship_id: row.text("relationship_id"),
  relationship_name: row.text("relationship_name"),
  is_hierarchical: row.flag("is_hierarchical"),
  defines_ancestry: row.flag("defines_ancestry"),
  reverse_relationship_id: row.text("reverse_relationship_id"),
  relationship_concept_id: row.optionalInteger("relationship_concept_id", 0),
})

/** Concept ids must be unique: a repeated id would silently shadow a row. */
const uniqueConcepts = () => {
  const seen = new Set<number>()
  return (row: Row): Concept => {
    const concept = toConcept(row)
    if (seen.has(concept.concept_id)) row.fail(`duplicate concept_id ${concept.concept_id}`)
    seen.add(concept.concept_id)
    return concept
  }
}

/** Loads the Athena files in `dir` as a release called `name`. */
export async function loadAthenaRelease(dir: string, name: string): Promise<VocabularyRelease> {
  const info = await stat(dir).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    throw new VocabularyLoadError(dir, undefined, "is not a readable directory")
  }
  const [
    concepts,
    relationships,
    ancestors,
    synonyms,
    vocabularies,
    domains,
    conceptClasses,
    relationshipTypes,
  ] = await Promise.all([
    readTable(
      dir,
      "CONCEPT.csv",
      [
        "concept_id",
        "concept_name",
        "domain_id",
        "vocabulary_id",
        "concept_class_id",
        "standard_concept",
        "concept_code",
        "valid_start_date",
        "valid_end_date",
        "invalid_reason",
      ],
      uniqueConcepts(),
    ),
    readTable(
      dir,
      "CONCEPT_RELATIONSHIP.csv",
      [
        "concept_id_1",
        "concept_id_2",
        "relationship_id",
        "valid_start_date",
        "valid_end_date",
        "invalid_reason",
      ],
      toRelationship,
    ),
    readTable(
      dir,
      "CONCEPT_ANCESTOR.csv",
      [
        "ancestor_concept_id",
        "descendant_concept_id",
        "min_levels_of_separation",
        "max_levels_of_separation",
      ],
      toAncestor,
    ),
    readTable(dir, "CONCEPT_SYNONYM.csv", ["concept_id", "concept_synonym_name"], toSynonym),
    readTable(dir, "VOCABULARY.csv", ["vocabulary_id", "vocabulary_name"], toVocabulary),
    readTable(dir, "DOMAIN.csv", ["domain_id", "domain_name"], toDomain),
    readTable(dir, "CONCEPT_CLASS.csv", ["concept_class_id", "concept_class_name"], toConceptClass),
    readTable(
      dir,
      "RELATIONSHIP.csv",
      ["relationship_id", "relationship_name", "reverse_relationship_id"],
      toRelationshipType,
    ),
  ])
  const conceptFile = path.join(dir, "CONCEPT.csv")
  if (concepts === undefined) throw new VocabularyLoadError(conceptFile, undefined, "is missing")
  return buildRelease(name, {
    concepts,
    relationships: relationships ?? [],
    ancestors,
    synonyms,
    vocabularies,
    domains,
    conceptClasses,
    relationshipTypes,
  })
}
