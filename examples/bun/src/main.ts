/**
 * OMOPHub quick start for Bun: get a concept, look one up by its source code, search, walk up the
 * hierarchy and map a code to another vocabulary, with `@omophub/bun`.
 *
 *   bun src/main.ts                 # against a local sandbox it starts itself
 *   bun src/main.ts --vocab DIR     # the sandbox over an Athena vocabulary download
 *   OMOPHUB_API_URL=... OMOPHUB_API_KEY=... bun src/main.ts   # against the real API, unchanged
 *
 * With OMOPHUB_API_URL set, `createClient()` gets its key from the default chain: OMOPHUB_API_KEY,
 * then the credentials file, then the OS keychain.
 *
 * Exit codes: 0 done, 1 an error (printed as one line with a hint), 2 a usage error.
 */
import { NotFoundError } from "@omophub/bun"
import { parseFlags, report, usage } from "./cli.ts"
import { type Connection, connect } from "./connection.ts"

/** The value, or undefined when the API answers 404 (the code is not in the selected release). */
const orNotFound = <A>(call: Promise<A>): Promise<A | undefined> =>
  call.catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined
    throw error
  })

const flags = parseFlags(process.argv.slice(2))
if (flags.help) {
  console.log(usage)
  process.exit(0)
}

const run = async ({ client, description }: Connection) => {
  console.log(`Bun ${process.versions.bun}, using ${description}\n`)

  const diabetes = await client.concepts.get(201826)
  console.log(
    `Concept 201826: ${diabetes.concept_name} (${diabetes.vocabulary_id} ${diabetes.concept_code}, ` +
      `${diabetes.domain_id}, standard=${diabetes.standard_concept ?? "no"})`,
  )

  const icd = await orNotFound(client.concepts.getByCode("ICD10CM", "E11.9"))
  console.log(
    icd === undefined
      ? "ICD10CM E11.9: not in this vocabulary release"
      : `ICD10CM E11.9: concept ${icd.concept_id} ${icd.concept_name}`,
  )

  const found = await client.search.basic("diabetes", { pageSize: 5 })
  console.log(
    `\nSearch "diabetes": ${found.pagination?.total_items ?? found.concepts.length} matches, first ${found.concepts.length}:`,
  )
  for (const concept of found.concepts) {
    console.log(
      `  ${String(concept.concept_id).padStart(9)}  ${concept.vocabulary_id.padEnd(8)} ${concept.concept_name}`,
    )
  }

  const up = await client.hierarchy.ancestors(201826)
  console.log(`\nAncestors of ${up.concept_name}:`)
  if (up.ancestors.length === 0) console.log("  none in this vocabulary release")
  for (const ancestor of up.ancestors) {
    const level = ancestor.min_levels_of_separation ?? ancestor.level
    console.log(
      `  ${level === undefined ? "" : `level ${level}: `}${ancestor.concept_name} (${ancestor.concept_id})`,
    )
  }

  const mapped = await client.mappings.map({
    targetVocabulary: "SNOMED",
    sourceCodes: [{ vocabularyId: "ICD10CM", conceptCode: "E11.9" }],
  })
  console.log("\nMap ICD10CM E11.9 to SNOMED:")
  if (mapped.mappings.length === 0) console.log("  no mapping in this vocabulary release")
  for (const row of mapped.mappings) {
    console.log(`  ${row.relationship_id} -> ${row.target_concept_id} ${row.target_concept_name ?? ""}`)
  }

  try {
    await client.concepts.get(999_999_999)
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    console.log(`\nConcept 999999999: ${error._tag} (${error.code}, request ${error.requestId ?? "?"})`)
  }
}

let connection: Connection | undefined
try {
  connection = await connect(flags.vocab)
  await run(connection)
} catch (error) {
  process.exitCode = report(error)
} finally {
  await connection?.close()
}
