// The README's quick start, run as written (import pointed at the sources) by this Node against the
// sandbox, with the key and URL in the environment as the README says.
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { quickStart } from "@omophub/conformance"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import { afterAll, beforeAll, expect, it } from "vitest"

const packageRoot = join(import.meta.dirname, "..")
let sandbox: ConformanceSandbox

beforeAll(async () => {
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.close()
})

it("the README quick start prints the concept name", async () => {
  const example = quickStart(readFileSync(join(packageRoot, "README.md"), "utf8"), "@omophub/node")
  expect(example.lines).toBeLessThanOrEqual(5)
  expect(example.command).toBe("OMOPHUB_API_KEY=oh_... node app.ts")
  const folder = join(packageRoot, "test-results")
  mkdirSync(folder, { recursive: true })
  const file = join(folder, "quickstart.ts")
  writeFileSync(file, example.code)
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: folder,
      OMOPHUB_API_KEY: sandbox.apiKey,
      OMOPHUB_API_URL: sandbox.apiUrl,
    },
    timeout: 30_000,
  })
  expect(stdout).toBe("Type 2 diabetes mellitus\n")
}, 40_000)
