// Client-side cost per call, without a network: the Promise client over ky with a `fetch` that
// answers at once from memory. Isolates the SDK's own JS (pipeline, batching, decoding, ky).
//
//   node bench/overhead.ts   (BENCH_CALLS=5000 per round, BENCH_ROUNDS=7; --cpu-prof to profile;
//                             BENCH_ONLY="sdk" etc. to run only some variants while profiling)
// Variants run in interleaved rounds (the order alternates), so machine noise hits all of them;
// reported are the median and the best round, in CPU and wall µs per call. On a loaded machine the
// CPU figure is the steadier one.
import { createClient } from "../src/index.ts"

const calls = Number(process.env.BENCH_CALLS ?? 5000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const only = process.env.BENCH_ONLY?.split(",")
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
const fetch = async (_input?: unknown, _init?: unknown) =>
  new Response(body, { status: 200, headers: responseHeaders })

const options = { apiKey: "oh_bench_key_000001", baseUrl: "http://127.0.0.1:9/v1", fetch } as const
const batched = createClient({ ...options, rateLimitState: "isolated" })
const unbatched = createClient({ ...options, rateLimitState: "isolated", batching: false })

const raw = async () => {
  const response = await fetch("http://127.0.0.1:9/v1/concepts/201826", {
    headers: { authorization: "Bearer oh_bench_key_000001", accept: "application/json" },
  })
  return JSON.parse(await response.text()) as unknown
}
const all: Record<string, () => Promise<unknown>> = {
  "raw fetch": raw,
  "sdk (batching on)": () => batched.concepts.get(201826),
  "sdk (batching off)": () => unbatched.concepts.get(201826),
}
const variants = Object.entries(all).filter(
  ([name]) => only === undefined || only.some((o) => name.includes(o)),
)

const run = async (n: number, f: () => Promise<unknown>) => {
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < n; i++) await f()
  const wall = ((performance.now() - started) / n) * 1000
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / n }
}
for (const [, f] of variants) await run(3000, f)

const samples = new Map<string, Array<{ wall: number; cpu: number }>>(variants.map(([name]) => [name, []]))
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse()
  for (const [name, f] of order) samples.get(name)!.push(await run(calls, f))
}
const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[values.length >> 1]!
const table: Record<string, Record<string, number>> = {}
for (const [name, rows] of samples) {
  table[name] = {
    "CPU µs/call (median round)": Math.round(median(rows.map((r) => r.cpu)) * 10) / 10,
    "CPU µs/call (best round)": Math.round(Math.min(...rows.map((r) => r.cpu)) * 10) / 10,
    "wall µs/call (median round)": Math.round(median(rows.map((r) => r.wall)) * 10) / 10,
  }
}
console.log(`${rounds} interleaved rounds of ${calls} sequential concepts.get per variant (in-memory fetch)`)
console.table(table)
await batched.close()
await unbatched.close()
