// Benchmark (not a test): automatic batching and per-request overhead of the Promise client against
// the sandbox serving the Synthea subset over loopback. Run: pnpm --filter @omophub/core bench
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { start } from "@omophub/sandbox"
import { createClient, userAgent } from "../src/index.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const vocab = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
const apiKey = "oh_bench_key_000001"
const ids = readFileSync(path.join(vocab, "CONCEPT.csv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.trim() !== "")
  .map((line) => Number(line.split("\t")[0]))

const sandbox = await start({ keys: [apiKey], vocab })
const lookups = Array.from({ length: 10_000 }, (_, i) => ids[i % ids.length]!)

const concurrentRun = async (batching: boolean) => {
  const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", batching })
  try {
    await client.concepts.get(ids[0]!) // warm-up (connection, runtime)
    sandbox.clearRequests()
    const started = performance.now()
    const results = await Promise.all(lookups.map((id) => client.concepts.get(id)))
    const ms = performance.now() - started
    const wrong = results.filter((concept, i) => concept.concept_id !== lookups[i]).length
    if (wrong > 0) throw new Error(`${wrong} wrong results`)
    return { requests: sandbox.requests().length, ms }
  } finally {
    await client.close()
  }
}

const on = await concurrentRun(true)
const off = await concurrentRun(false)
console.log("\n10,000 concurrent concepts.get (Synthea ids, loopback)")
console.table({
  "batching on": { "HTTP requests": on.requests, "wall time (ms)": Math.round(on.ms) },
  "batching off": { "HTTP requests": off.requests, "wall time (ms)": Math.round(off.ms) },
})

// Per-request overhead: sequential SDK calls vs raw fetch of the same URL with the same headers,
// interleaved so both see the same machine load.
const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
const id = 201826
const headers = {
  authorization: `Bearer ${apiKey}`,
  accept: "application/json",
  "user-agent": userAgent(undefined),
}
const raw = async () => {
  const response = await fetch(`${sandbox.url}/concepts/${id}`, { headers })
  const body = (await response.json()) as { data: { concept_id: number } }
  if (body.data.concept_id !== id) throw new Error("raw fetch: wrong concept")
}
const sdk = async () => {
  const concept = await client.concepts.get(id)
  if (concept.concept_id !== id) throw new Error("sdk: wrong concept")
}
const time = async (f: () => Promise<void>) => {
  const started = performance.now()
  await f()
  return performance.now() - started
}
for (let i = 0; i < 300; i++) {
  await raw()
  await sdk()
}
const sdkTimes: Array<number> = []
const rawTimes: Array<number> = []
for (let i = 0; i < 2000; i++) {
  if (i % 2 === 0) {
    sdkTimes.push(await time(sdk))
    rawTimes.push(await time(raw))
  } else {
    rawTimes.push(await time(raw))
    sdkTimes.push(await time(sdk))
  }
}
const quantile = (values: Array<number>, q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
const row = (values: Array<number>) => ({
  "median (ms)": Number(quantile(values, 0.5).toFixed(3)),
  "p99 (ms)": Number(quantile(values, 0.99).toFixed(3)),
})
console.log("\n2,000 sequential GET /concepts/201826 (after 300 warm-up calls each)")
console.table({ "concepts.get (SDK)": row(sdkTimes), "raw fetch": row(rawTimes) })
console.log(
  `median ratio SDK/raw: ${(quantile(sdkTimes, 0.5) / quantile(rawTimes, 0.5)).toFixed(3)}; ` +
    `p99 ratio: ${(quantile(sdkTimes, 0.99) / quantile(rawTimes, 0.99)).toFixed(3)}`,
)
await client.close()
await sandbox.close()
