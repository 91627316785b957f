/**
 * ETL example: map a CSV of source codes (vocabulary_id, concept_code) to OMOP standard concepts
 * with @omophub/node, writing one output row per input row with an explicit status.
 *
 *   node src/main.ts                          # data/source-codes.csv -> out/mapped-codes.csv, local sandbox
 *   node src/main.ts --in codes.csv --out mapped.csv
 *   node src/main.ts --faults                 # the sandbox injects 429s, 503s and connection resets
 *   node src/main.ts --vocab DIR              # the sandbox over an Athena vocabulary download
 *   OMOPHUB_API_URL=... OMOPHUB_API_KEY=... node src/main.ts   # against the real API, unchanged
 *
 * Exit codes: 0 every row written and none in `error` except the expected ones (a vocabulary the key
 * is not licensed for); 1 rows in `error`, or the run stopped (wrong key, server unreachable...);
 * 2 a usage error (flags, input file).
 */
import { once } from "node:events"
import { createWriteStream, existsSync, readFileSync } from "node:fs"
import { mkdir, rename } from "node:fs/promises"
import { dirname, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { createClient } from "@omophub/node"
import { parseFlags, report as reportError, usage, usageError } from "./cli.ts"
import { type Connection, connect } from "./connection.ts"
import { formatCsvRow, parseCsv } from "./csv.ts"
import { FatalError, type Outcome, resolveCode, type Status, statuses } from "./mapping.ts"
import { makeProgress } from "./progress.ts"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const flags = parseFlags(process.argv.slice(2))
if (flags.help) {
  console.log(usage)
  process.exit(0)
}
const args = {
  ...flags,
  in: flags.in ?? resolve(packageDir, "data/source-codes.csv"),
  out: flags.out ?? resolve(packageDir, "out/mapped-codes.csv"),
}
const chunkSize = Number(args.chunk)
const rateLimit = Number(args["rate-limit"])
if (!Number.isInteger(chunkSize) || chunkSize < 1 || !Number.isInteger(rateLimit) || rateLimit < 1) {
  usageError("--chunk and --rate-limit take positive integers")
}

// Read and check the input before starting anything.
const readInput = (file: string) => {
  try {
    return readFileSync(file, "utf8")
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return usageError(`cannot read --in ${file}${typeof code === "string" ? ` (${code})` : ""}`)
  }
}
const table = parseCsv(readInput(args.in))
const header = (table[0] ?? []).map((name) => name.trim().toLowerCase())
const vocabularyColumn = header.indexOf("vocabulary_id")
const codeColumn = header.indexOf("concept_code")
if (vocabularyColumn < 0 || codeColumn < 0) {
  usageError(`${args.in}: the header needs the columns vocabulary_id and concept_code`)
}
const rows = table.slice(1).map((fields) => ({
  vocabularyId: fields[vocabularyColumn] ?? "",
  conceptCode: fields[codeColumn] ?? "",
}))

let connection: Connection
try {
  connection = await connect({ vocab: args.vocab, rateLimit })
} catch (error) {
  process.exit(reportError(error))
}
console.log(`Mapping ${rows.length} rows of ${relative(process.cwd(), args.in) || args.in}`)
console.log(`Using ${connection.description}`)
if (args.faults) {
  if (connection.sandbox === undefined) console.log("--faults only applies to the local sandbox: ignored")
  else {
    // Consumed one per batch request, in order; `pass` lets a request through between two faults.
    const match = "POST /v1/fhir/resolve/batch"
    connection.sandbox.control.fault([
      { match, kind: "status", status: 503 },
      { match, kind: "pass" },
      { match, kind: "status", status: 429, retryAfter: 1 },
      { match, kind: "pass" },
      { match, kind: "reset", phase: "before-headers" },
      { match, kind: "pass" },
      { match, kind: "status", status: 503, retryAfter: 1 },
      { match, kind: "reset", phase: "after-headers" },
    ])
    console.log("Injecting faults: two 503s, a 429 with Retry-After and two connection resets")
  }
}

// Every attempt the client makes goes through this fetch: attempts, and those that got a response.
let fetchCalls = 0
let answered = 0
const countingFetch = async (input: Request | URL | string, init?: RequestInit) => {
  fetchCalls++
  const response = await fetch(input, init)
  answered++
  return response
}
const client = createClient({
  baseUrl: connection.baseUrl,
  apiKey: connection.apiKey,
  fetch: countingFetch,
  // A batch job can afford to be more patient than an interactive call.
  maxRetries: 5,
})

const outPath = resolve(args.out)
// Rows go to a .partial file that replaces the output only once every row is written, so a run
// that stops early never clobbers an earlier complete result.
const partialPath = `${outPath}.partial`
if (!existsSync(dirname(outPath))) await mkdir(dirname(outPath), { recursive: true })
const out = createWriteStream(partialPath)
const write = async (text: string) => {
  if (!out.write(text)) await once(out, "drain")
}
await write(
  `${formatCsvRow([
    "row",
    "vocabulary_id",
    "concept_code",
    "status",
    "source_concept_id",
    "source_concept_name",
    "standard_concept_id",
    "standard_concept_name",
    "standard_vocabulary_id",
    "standard_domain_id",
    "detail",
  ])}\n`,
)

const started = performance.now()
const counts = new Map<Status, number>(statuses.map((status) => [status, 0]))
// One lookup per distinct (vocabulary, code), shared by every row that repeats it.
const lookups = new Map<string, Promise<Outcome>>()
const progress = makeProgress(process.stdout)
const report = async (done: number) =>
  progress.update({
    done,
    total: rows.length,
    distinct: lookups.size,
    requests: fetchCalls,
    rateLimit: await client.rateLimit.current(),
  })
let done = 0
const ticker = process.stdout.isTTY ? setInterval(() => void report(done), 100) : undefined
let exitCode = 0
let unexpectedErrors = 0
let expectedErrors = 0
try {
  // Chunk by chunk, so memory stays flat on big files; the new codes of a chunk are looked up
  // together, in the same tick, which is what lets the SDK batch them.
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize)
    const outcomes = await Promise.all(
      chunk.map(({ vocabularyId, conceptCode }) => {
        const key = JSON.stringify([vocabularyId.trim(), conceptCode.trim()])
        let lookup = lookups.get(key)
        if (lookup === undefined) {
          lookup = resolveCode(client, vocabularyId, conceptCode)
          lookups.set(key, lookup)
        }
        return lookup
      }),
    )
    let lines = ""
    for (const [index, outcome] of outcomes.entries()) {
      const row = chunk[index]!
      counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1)
      if (outcome.status === "error") {
        if (outcome.expected) expectedErrors++
        else unexpectedErrors++
      }
      lines += `${formatCsvRow([
        start + index + 1,
        row.vocabularyId,
        row.conceptCode,
        outcome.status,
        outcome.source?.concept_id,
        outcome.source?.concept_name,
        outcome.standard?.concept_id,
        outcome.standard?.concept_name,
        outcome.standard?.vocabulary_id,
        outcome.standard?.domain_id,
        outcome.detail,
      ])}\n`
    }
    await write(lines)
    done = start + chunk.length
    await report(done)
  }
} catch (error) {
  if (error instanceof FatalError) {
    console.error(`\nStopped after ${done} of ${rows.length} rows: ${error.message}`)
    const hint = /^(Connection|Timeout)Error/.test(error.message)
      ? "check OMOPHUB_API_URL and that the server is reachable"
      : /^(Authentication|Credentials)Error/.test(error.message)
        ? "check OMOPHUB_API_KEY (or the key in your credentials file / OS keychain)"
        : undefined
    if (hint !== undefined) console.error(`hint: ${hint}`)
  } else reportError(error)
  exitCode = 1
} finally {
  clearInterval(ticker)
  if (process.stdout.isTTY) await report(done)
  progress.finish()
  out.end()
  await once(out, "finish")
}
const complete = done === rows.length
if (complete) await rename(partialPath, outPath)
const shownPath = complete ? outPath : partialPath

const seconds = (performance.now() - started) / 1000
const written = [...counts.values()].reduce((sum, count) => sum + count, 0)
console.log(
  `\nWrote ${written} of ${rows.length} rows (${lookups.size} distinct codes) in ${seconds.toFixed(1)} s ` +
    `to ${relative(process.cwd(), shownPath) || shownPath}${complete ? "" : " (incomplete; the previous output is untouched)"}`,
)
for (const status of statuses) console.log(`  ${status.padEnd(17)} ${String(counts.get(status)).padStart(6)}`)

const sandbox = connection.sandbox
let answeredRequests = 0
if (sandbox === undefined) {
  answeredRequests = answered
  console.log(`HTTP requests: ${answered} answered, ${fetchCalls} attempts (counted by the client's fetch)`)
} else {
  const log = sandbox.requests().filter((request) => request.path.startsWith("/v1"))
  // A `pass` fault is a real answer (used to space the other faults out).
  const faulted = log.filter((request) => request.fault !== undefined && request.fault !== "pass")
  const limited = log.filter((request) => request.fault !== "status" && request.status === 429)
  answeredRequests = log.length - faulted.length - limited.length
  const faultList = faulted.map((request) =>
    request.fault === "status" ? String(request.status) : `${request.fault}`,
  )
  console.log(
    `HTTP requests: ${log.length} (sandbox request log; the client's fetch made ${fetchCalls} attempts): ` +
      `${log.length - faulted.length - limited.length} answered, ${limited.length} rate-limited (429)` +
      `, ${faulted.length} faulted${faulted.length > 0 ? ` (${faultList.join(", ")})` : ""}`,
  )
}
if (written > 0 && answeredRequests > 0) {
  console.log(`Rows per answered request: ${(written / answeredRequests).toFixed(0)}`)
}

if (expectedErrors > 0) {
  console.log(
    `${expectedErrors} row(s) in error for a vocabulary the key may not use: expected, exit code unchanged`,
  )
}
if (unexpectedErrors > 0) {
  console.error(`${unexpectedErrors} row(s) ended in error (see their detail column)`)
  exitCode = 1
}

await client.close()
await connection.close()
process.exitCode = exitCode
