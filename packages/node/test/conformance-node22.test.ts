// The same conformance scenarios on Node 22 (the oldest supported line): runs test/conformance/run.ts
// with the pinned Node 22 that scripts/toolchain.sh installs into .toolchain/node22, against a
// sandbox started here.
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import type { ScenarioResult } from "@omophub/conformance"
import { scenarios } from "@omophub/conformance"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const packageRoot = join(import.meta.dirname, "..")
const node22 = join(packageRoot, "..", "..", ".toolchain", "node22", "node_modules", ".bin", "node")

/** The toolchain's Node 22; its absence is a set-up error, reported as such. */
const ensureNode22 = async () => {
  if (!existsSync(node22)) {
    throw new Error(`Node 22 is missing at ${node22}: run \`source scripts/toolchain.sh\` (npm test does)`)
  }
  const { stdout } = await run(node22, ["--version"])
  return stdout.trim()
}

let sandbox: ConformanceSandbox
let outcome: { node: string; results: ScenarioResult[] }
let exit: { code: number | null; timedOut: boolean }

beforeAll(async () => {
  const version = await ensureNode22()
  expect(version).toMatch(/^v22\./)
  sandbox = await startSandbox()
  const { stdout } = await run(node22, [join(import.meta.dirname, "conformance", "run.ts")], {
    cwd: packageRoot,
    env: { ...process.env, OMOPHUB_API_URL: sandbox.apiUrl, OMOPHUB_API_KEY: sandbox.apiKey },
    timeout: 30_000,
  }).then(
    (output) => {
      exit = { code: 0, timedOut: false }
      return output
    },
    (error: { stdout?: string; code?: number; killed?: boolean }) => {
      exit = { code: error.code ?? null, timedOut: error.killed === true }
      return { stdout: error.stdout ?? "" }
    },
  )
  outcome = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")
}, 60_000)

afterAll(async () => {
  await sandbox?.close()
})

describe("conformance (node 22)", () => {
  it("ran on Node 22", () => {
    expect(outcome.node).toMatch(/^22\./)
    expect(outcome.results.map((result) => result.name)).toEqual(scenarios.map((scenario) => scenario.name))
  })
  it("ended by itself: nothing (a socket of an aborted call, a timer) kept Node running", () => {
    expect(exit).toEqual({ code: 0, timedOut: false })
  })
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const result = outcome.results.find((candidate) => candidate.name === scenario.name)
      expect(result?.error).toBeUndefined()
      expect(result?.passed).toBe(true)
    })
  }
})
