// Client-side cost per call, without a network: the Promise client over ky with a `fetch` that
// answers at once from memory. Isolates the SDK's own JS (pipeline, batching, decoding, ky).
//
//   node bench/overhead.ts   (BENCH_CALLS=20000, BENCH_BATCHING=0 to compare; --cpu-prof to profile)
// Reports wall and CPU µs per call: on a loaded machine the CPU figure is the steadier one.
import { createClient } from "../src/index.ts"

const calls = Number(process.env.BENCH_CALLS ?? 20_000)
const body = JSON.stringify({
  success: true,
  data: {
    concept_id: 201826,
    concept_name: "Type 2 diabetes mellitus",
    domain_id: "Condition",
    vocabulary_id: "SNOMED",
    concept_class_id: "Clinical Finding",
    standard_concept: "S",
    concept_code: "44054006",
    valid_start_date: "2002-01-31",
    valid_end_date: "2099-12-31",
    invalid_reason: null,
  },
  meta: { request_id: "req_bench", timestamp: "2026-01-01T00:00:00Z", vocab_release: "2025.2" },
})
const responseHeaders = {
  "content-type": "application/json",
  "ratelimit-limit": "1000000",
  "ratelimit-remaining": "999999",
  "ratelimit-reset": "1",
  "x-request-id": "req_bench",
}
const fetch = async () => new Response(body, { status: 200, headers: responseHeaders })

const client = createClient({
  apiKey: "oh_bench_key_000001",
  baseUrl: "http://127.0.0.1:9/v1",
  rateLimitState: "isolated",
  batching: process.env.BENCH_BATCHING !== "0",
  fetch,
})
const run = async (n: number, f: () => Promise<unknown>) => {
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < n; i++) await f()
  const wall = ((performance.now() - started) / n) * 1000
  const used = process.cpuUsage(cpu)
  return { wall: Math.round(wall), cpu: Math.round((used.user + used.system) / n) }
}
const raw = async () => {
  const response = await fetch()
  await response.json()
}
const sdk = () => client.concepts.get(201826)
await run(2000, sdk)
await run(2000, raw)
const results: Record<string, { wall: number; cpu: number }> = {}
for (let round = 0; round < 3; round++) {
  results[`sdk round ${round + 1} (µs/call)`] = await run(calls, sdk)
  results[`raw round ${round + 1} (µs/call)`] = await run(calls, raw)
}
console.table(results)
await client.close()
