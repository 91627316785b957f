// The shared conformance scenarios in Bun, over real HTTP against the sandbox that the package's
// test script starts (`../conformance/src/with-sandbox.ts`) and hands over in OMOPHUB_API_URL /
// OMOPHUB_API_KEY, which the client's default chain then reads.
import { test } from "bun:test"
import { runScenario, scenarios, serverContext } from "@omophub/conformance"
import * as adapter from "../src/index.ts"

const context = serverContext("bun", adapter, process.env.OMOPHUB_API_URL)

for (const scenario of scenarios) {
  test(`conformance: ${scenario.name}`, () => runScenario(scenario, context), 20_000)
}
