import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const run = promisify(execFile)
const main = resolve(import.meta.dirname, "../src/main.ts")
const synthea = resolve(import.meta.dirname, "../../../../shared/vocab/synthea27nj")
const env = { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "" }

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
