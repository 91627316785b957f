// The shared conformance scenarios on this Node (24), over real HTTP against the sandbox. The
// client finds the sandbox through OMOPHUB_API_URL / OMOPHUB_API_KEY, as a user's app would.
import { runScenario, scenarios, serverContext } from "@omophub/conformance"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import { afterAll, beforeAll, describe, it, vi } from "vitest"
import * as adapter from "../src/index.ts"

let sandbox: ConformanceSandbox

beforeAll(async () => {
  sandbox = await startSandbox()
  vi.stubEnv("OMOPHUB_API_URL", sandbox.apiUrl)
  vi.stubEnv("OMOPHUB_API_KEY", sandbox.apiKey)
})

afterAll(async () => {
  vi.unstubAllEnvs()
  await sandbox?.close()
})

describe(`conformance (node ${process.versions.node})`, () => {
  for (const scenario of scenarios) {
    it(
      scenario.name,
      () => runScenario(scenario, serverContext("node", adapter, process.env.OMOPHUB_API_URL)),
      20_000,
    )
  }
})
