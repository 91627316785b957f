// Runs the shared conformance scenarios in this process (any Node >= 22.18 with type stripping) and
// prints the results as one JSON line. The sandbox is started by the caller, which passes its URL and
// key in OMOPHUB_API_URL / OMOPHUB_API_KEY.
import { runScenarios, scenarios, serverContext } from "@omophub/conformance"
import * as adapter from "../../src/index.ts"

const results = await runScenarios(
  scenarios,
  serverContext(`node${process.versions.node}`, adapter, process.env.OMOPHUB_API_URL),
)
process.stdout.write(`${JSON.stringify({ node: process.versions.node, results })}\n`)
// No process.exit: the process must end by itself, proving closed clients and aborted calls leave
// nothing running (the caller checks it).
process.exitCode = results.every((result) => result.passed) ? 0 : 1
