import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { start } from "@omophub/sandbox"
import { afterAll, describe, expect, it } from "vitest"
import { parseCsv } from "../src/csv.ts"

const run = promisify(execFile)
const main = resolve(import.meta.dirname, "../src/main.ts")
const sample = resolve(import.meta.dirname, "../data/source-codes.csv")
const synthea = resolve(import.meta.dirname, "../../../../shared/vocab/synthea27nj")
const noApi = { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "" }
const work = mkdtempSync(join(tmpdir(), "omophub-etl-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

type Row = Record<string, string>
const readRows = (file: string): Row[] => {
  const [header = [], ...rows] = parseCsv(readFileSync(file, "utf8"))
  return rows.map((fields) => Object.fromEntries(header.map((name, index) => [name, fields[index] ?? ""])))
}
/** The output rows for one input (vocabulary, code) pair, exactly as written in the input. */
const rowsFor = (rows: Row[], vocabularyId: string, conceptCode: string) =>
  rows.filter((row) => row.vocabulary_id === vocabularyId && row.concept_code === conceptCode)
const requestCount = (stdout: string) => Number(/HTTP requests: (\d+)/.exec(stdout)?.[1])

describe("the ETL example against the sandbox it starts, with injected faults", () => {
  const out = join(work, "faults.csv")
  const result = run(process.execPath, [main, "--faults", "--out", out], { env: noApi })

  it("writes one output row per input row, in order, with the input values unchanged", async () => {
    const { stdout } = await result
    const input = readRows(sample)
    const output = readRows(out)
    expect(input.length).toBe(3000)
    expect(output.length).toBe(input.length)
    for (const [index, row] of output.entries()) {
      expect(row.row).toBe(String(index + 1))
      expect([row.vocabulary_id, row.concept_code]).toEqual([
        input[index]!.vocabulary_id,
        input[index]!.concept_code,
      ])
      expect(["mapped", "already_standard", "unmapped", "not_found", "invalid", "error"]).toContain(
        row.status,
      )
    }
    expect(stdout).toContain("Wrote 3000 of 3000 rows")
    // The CPT4 rows refused by design do not fail the run (it exited 0: `run` resolved).
    expect(stdout).toMatch(/\d+ row\(s\) in error for a vocabulary the key may not use: expected/)
  })

  it("maps known codes to the right standard concepts and marks the others", async () => {
    await result
    const rows = readRows(out)
    const expectOnly = (vocabularyId: string, code: string, expected: Partial<Row>) => {
      const matching = rowsFor(rows, vocabularyId, code)
      expect(matching.length, `${vocabularyId} ${JSON.stringify(code)} is in the sample`).toBeGreaterThan(0)
      for (const row of matching) expect(row).toMatchObject(expected)
    }
    expectOnly("ICD10CM", "E11.9", {
      status: "mapped",
      source_concept_id: "45576876",
      standard_concept_id: "201826",
      standard_concept_name: "Type 2 diabetes mellitus",
      standard_vocabulary_id: "SNOMED",
      standard_domain_id: "Condition",
    })
    expectOnly("ICD10CM", "E11", {
      status: "mapped",
      source_concept_id: "1567956",
      standard_concept_id: "201826",
    })
    expectOnly("ICD10CM", "I10", { status: "mapped", standard_concept_id: "320128" })
    expectOnly("ICD10CM", " I10 ", { status: "mapped", standard_concept_id: "320128" })
    expectOnly("SNOMED", "44054006", {
      status: "already_standard",
      source_concept_id: "201826",
      standard_concept_id: "201826",
    })
    expectOnly("RxNorm", "1191", { status: "already_standard", standard_concept_name: "aspirin" })
    expectOnly("UCUM", "%{CD19+'cells}", { status: "already_standard", standard_concept_id: "8659" })
    expectOnly("UCUM", "ml/cm [H2O]", { status: "already_standard", standard_concept_id: "720866" })
    expectOnly("UCUM", "Ms", { status: "already_standard", standard_concept_id: "9592" })
    expectOnly("ICD10CM", "e11.9", { status: "not_found", standard_concept_id: "" })
    expectOnly("ICD10CM", "E11,9", { status: "not_found" })
    expectOnly("ICD10CM", 'E11"9', { status: "not_found" })
    expectOnly("ICD9CM", "250.00", { status: "not_found" })
    expectOnly("ICD10CM", "", { status: "invalid", detail: "empty concept_code" })
    expectOnly("", "E11.9", { status: "invalid", detail: "empty vocabulary_id" })
    const restricted = rowsFor(rows, "CPT4", "99213")
    expect(restricted.length).toBeGreaterThan(0)
    for (const row of restricted) {
      expect(row.status).toBe("error")
      expect(row.detail).toContain("PermissionDeniedError vocabulary_restricted")
    }
    // The long tail of well-formed but unknown codes.
    expect(rows.filter((row) => row.status === "not_found").length).toBeGreaterThan(100)
    // Every fault was retried away: no row failed for a transport reason.
    expect(rows.filter((row) => row.status === "error" && row.vocabulary_id !== "CPT4")).toEqual([])
  })

  it("uses few, batched requests, survives the faults and never prints the key", async () => {
    const { stdout, stderr } = await result
    const requests = requestCount(stdout)
    expect(requests).toBeGreaterThan(0)
    expect(requests).toBeLessThan(3000 / 50)
    expect(stdout).toMatch(/5 faulted \(503, 429, reset, 503, reset\)/)
    expect(stdout).toMatch(/^progress: 3000\/3000 rows \(100%\).*rate limit: \d+\/10 left/m)
    expect(stdout).not.toContain("oh_sandbox_key")
    expect(stderr).not.toContain("oh_sandbox_key")
  })
})

it("runs against a server named by OMOPHUB_API_URL / OMOPHUB_API_KEY, counting requests itself", async () => {
  const key = "oh_etl_test_secret_key_0123456789"
  const sandbox = await start({ keys: [key], rateLimit: { limit: 20, windowMs: 1000 } })
  try {
    sandbox.control.fault([
      { match: "POST /v1/fhir/resolve/batch", kind: "status", status: 503 },
      { match: "POST /v1/fhir/resolve/batch", kind: "reset", phase: "before-headers" },
    ])
    const input = join(work, "small.csv")
    writeFileSync(
      input,
      "concept_code,vocabulary_id\nE11.9,ICD10CM\nE11.9,ICD10CM\n44054006,SNOMED\nX,ICD10CM\n",
    )
    const out = join(work, "small-out.csv")
    const { stdout, stderr } = await run(process.execPath, [main, "--in", input, "--out", out], {
      env: { ...process.env, OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: key },
    })
    expect(stdout).toContain(`Using ${sandbox.url}`)
    expect(readRows(out).map((row) => [row.status, row.standard_concept_id])).toEqual([
      ["mapped", "201826"],
      ["mapped", "201826"],
      ["already_standard", "201826"],
      ["not_found", ""],
    ])
    // One batch of three distinct codes, plus the two faulted attempts (the reset got no response).
    expect(stdout).toContain("HTTP requests: 2 answered, 3 attempts (counted by the client's fetch)")
    expect(sandbox.requests().length).toBe(3)
    expect(stdout + stderr).not.toContain(key)
  } finally {
    await sandbox.close()
  }
})

it("maps codes over a real Athena vocabulary with --vocab", async () => {
  const input = join(work, "synthea.csv")
  writeFileSync(
    input,
    [
      "vocabulary_id,concept_code",
      "SNOMED,44054006", // standard: Type 2 diabetes mellitus
      "SNOMED,275272006", // upgraded, 'Maps to' Traumatic brain injury
      "SNOMED,15777000", // upgraded, no 'Maps to' in this subset
      "LOINC,59032-3",
      "ICD10CM,E11.9", // no ICD10CM in this subset
      "",
    ].join("\n"),
  )
  const out = join(work, "synthea-out.csv")
  const { stdout } = await run(process.execPath, [main, "--vocab", synthea, "--in", input, "--out", out], {
    env: noApi,
  })
  expect(stdout).toContain(synthea)
  expect(readRows(out).map((row) => [row.status, row.source_concept_id, row.standard_concept_id])).toEqual([
    ["already_standard", "201826", "201826"],
    ["mapped", "4166590", "4132546"],
    ["unmapped", "40316773", ""],
    ["already_standard", "40762125", "40762125"],
    ["not_found", "", ""],
  ])
})

/** Runs the example expecting it to fail: its exit code and output. */
const runFailing = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  run(process.execPath, [main, ...args], { env: { ...noApi, ...env } }).then(
    () => ({ code: 0, stdout: "", stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

it("stops at once with exit 1 when the server is unreachable, before processing all rows", async () => {
  // A port that was just in use and is closed now: connections are refused.
  const gone = await start({})
  await gone.close()
  const out = join(work, "unreachable.csv")
  writeFileSync(out, "an earlier complete result\n")
  const { code, stdout, stderr } = await runFailing(["--out", out], {
    OMOPHUB_API_URL: gone.url,
    OMOPHUB_API_KEY: "oh_unreachable_0123456789",
  })
  expect(code).toBe(1)
  expect(stderr).toMatch(/^Stopped after \d+ of 3000 rows: ConnectionError/m)
  expect(stderr).toContain("hint: check OMOPHUB_API_URL")
  // The rows so far stay in FILE.partial; FILE itself (an earlier result) is left as it was.
  expect(readFileSync(out, "utf8")).toBe("an earlier complete result\n")
  expect(readRows(`${out}.partial`).length).toBeLessThan(3000)
  expect(stdout).toMatch(/HTTP requests: 0 answered, \d+ attempts/)
  expect(stdout + stderr).not.toContain("oh_unreachable_0123456789")
})

it("stops with exit 1 and a clean message on a wrong key, without printing it", async () => {
  const key = "oh_etl_wrong_key_0123456789"
  const sandbox = await start({})
  try {
    const out = join(work, "wrong-key.csv")
    const { code, stdout, stderr } = await runFailing(["--out", out], {
      OMOPHUB_API_URL: sandbox.url,
      OMOPHUB_API_KEY: key,
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^Stopped after 0 of 3000 rows: AuthenticationError \w+: /m)
    expect(stderr).toContain("hint: check OMOPHUB_API_KEY")
    expect(stdout + stderr).not.toContain(key)
    expect(stderr).not.toMatch(/^\s+at /m)
  } finally {
    await sandbox.close()
  }
})

it("answers usage errors with the usage line and exit 2, before starting anything", async () => {
  for (const args of [["--bogus"], ["--chunk", "-5"], ["--chunk=0"], ["--in", join(work, "missing.csv")]]) {
    const { code, stderr } = await runFailing(args)
    expect(code, args.join(" ")).toBe(2)
    expect(stderr).toContain("usage: node src/main.ts [--in FILE]")
    expect(stderr).not.toMatch(/^\s+at /m)
  }
})
