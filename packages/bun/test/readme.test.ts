// The README's quick start, run as written by `bun` against the sandbox the test script started.

import { expect, test } from "bun:test"
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { quickStart } from "@omophub/conformance"

test("the README quick start prints the concept name", async () => {
  const packageRoot = join(import.meta.dirname, "..")
  const example = quickStart(readFileSync(join(packageRoot, "README.md"), "utf8"), "@omophub/bun")
  expect(example.lines).toBeLessThan(6)
  expect(example.command).toBe("OMOPHUB_API_KEY=oh_... bun app.ts")
  const folder = join(packageRoot, "test-results")
  mkdirSync(folder, { recursive: true })
  const file = join(folder, "quickstart.ts")
  writeFileSync(file, example.code)
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: folder,
      OMOPHUB_API_URL: process.env.OMOPHUB_API_URL ?? "",
      OMOPHUB_API_KEY: process.env.OMOPHUB_API_KEY ?? "",
    },
    timeout: 20_000,
  })
  expect(stdout).toBe("Type 2 diabetes mellitus\n")
}, 30_000)
