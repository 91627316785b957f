import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { promisify } from "node:util"
import { start } from "@omophub/sandbox"
import { expect, it } from "vitest"

const run = promisify(execFile)
const main = resolve(import.meta.dirname, "../src/main.ts")
const synthea = resolve(import.meta.dirname, "../../../../shared/vocab/synthea27nj")
const env = { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "" }
/** Runs the example expecting it to fail: its exit code and output. */
const runFailing = (args: ReadonlyArray<string>, extra: Record<string, string> = {}) =>
  run(process.execPath, [main, ...args], { env: { ...env, ...extra } }).then(
    () => ({ code: 0, stdout: "", stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

it("runs against the sandbox with the built-in vocabulary and prints each step", async () => {
  const { stdout } = await run(process.execPath, [main], { env })
  expect(stdout).toContain(
    "Concept 201826: Type 2 diabetes mellitus (SNOMED 44054006, Condition, standard=S)",
  )
  expect(stdout).toContain("ICD10CM E11.9: concept 45576876 Type 2 diabetes mellitus without complications")
  expect(stdout).toMatch(/Search "diabetes": \d+ matches/)
  expect(stdout).toContain("Diabetes mellitus (201820)")
  expect(stdout).toMatch(/Maps to -> 201826 Type 2 diabetes mellitus/)
  expect(stdout).toContain("Concept 999999999: NotFoundError (not_found")
})

it("runs against the sandbox over a real Athena vocabulary with --vocab", async () => {
  const { stdout } = await run(process.execPath, [main, "--vocab", synthea], { env })
  expect(stdout).toContain("Concept 201826: Type 2 diabetes mellitus")
  expect(stdout).toContain("ICD10CM E11.9: not in this vocabulary release")
  expect(stdout).toMatch(/Search "diabetes": \d+ matches/)
  expect(stdout).toContain("no mapping in this vocabulary release")
})

it("says what is wrong with the key in one line, exit 1, without printing the key", async () => {
  const key = "oh_quickstart_wrong_key_0123456789"
  const sandbox = await start({})
  try {
    const { code, stderr } = await runFailing([], { OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: key })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^AuthenticationError \w+: /m)
    expect(stderr).toContain("hint: check OMOPHUB_API_KEY")
    expect(stderr).not.toContain(key)
    expect(stderr).not.toMatch(/^\s+at /m)
  } finally {
    await sandbox.close()
  }
})

it("rejects a mistyped flag or a flag without its value with the usage, exit 2", async () => {
  for (const args of [["--vocb", synthea], ["--vocab"], [`--vocab=${synthea}`, "extra"]]) {
    const { code, stderr } = await runFailing(args)
    expect(code, args.join(" ")).toBe(2)
    expect(stderr).toContain("usage: node src/main.ts [--vocab DIR]")
  }
})

it("reports a --vocab directory it cannot load without a stack trace, exit 1", async () => {
  const { code, stderr } = await runFailing(["--vocab", "/nonexistent"])
  expect(code).toBe(1)
  expect(stderr).toMatch(/^VocabularyLoadError: \/nonexistent/m)
  expect(stderr).not.toMatch(/^\s+at /m)
})
