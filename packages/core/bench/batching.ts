// Benchmark (not a test): automatic batching, and the per-request overhead of the Promise client
// against the sandbox serving the Synthea subset over loopback.
//
//   pnpm --filter @omophub/core bench          (node bench/batching.ts)
//   bun bench/batching.ts   |   deno run -A bench/batching.ts
//
// The sandbox runs in a child process (always Node), so its CPU does not share the client's event
// loop: the SDK and raw-fetch loops compete only with each other. Overhead rounds alternate (SDK
// first, then raw first, ...) so machine noise hits both. Results go to bench/results/*.json.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { createClient, userAgent } from "../src/index.ts"

const benchDir = path.dirname(fileURLToPath(import.meta.url))
// Located through the package, so a copy of this bench next to another checkout of src/ still works.
const sandboxCli = path.resolve(
  path.dirname(fileURLToPath(import.meta.resolve("@omophub/sandbox"))),
  "cli.ts",
)
const repoRoot = path.resolve(path.dirname(sandboxCli), "../../..")
const vocab = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
const apiKey = "oh_bench_key_000001"
const rounds = Number(process.env.BENCH_ROUNDS ?? 10)
const perRound = Number(process.env.BENCH_PER_ROUND ?? 200)
const warmUp = Number(process.env.BENCH_WARMUP ?? 300)

const runtime =
  "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : `node-${process.versions.node.split(".")[0]}`

const ids = readFileSync(path.join(vocab, "CONCEPT.csv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.trim() !== "")
  .map((line) => Number(line.split("\t")[0]))

/** Starts `node sandbox/src/cli.ts` and resolves with its base URL (the first stdout line). */
const startSandbox = (): Promise<{ readonly url: string; readonly child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const node = runtime.startsWith("node") ? process.execPath : "node"
    const child = spawn(node, [sandboxCli, "--vocab", vocab, "--key", apiKey, "--control", "--quiet"], {
      stdio: ["ignore", "pipe", "inherit"],
    })
    let buffered = ""
    child.stdout!.setEncoding("utf8")
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk
      const newline = buffered.indexOf("\n")
      if (newline !== -1) resolve({ url: buffered.slice(0, newline).trim(), child })
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`sandbox exited early (${code})`)))
  })

const { url, child } = await startSandbox()
const origin = new URL(url).origin
const control = async (method: string, route: string) => {
  const response = await fetch(`${origin}/_sandbox/${route}`, { method })
  return response.json() as Promise<{ requests?: Array<unknown> }>
}

try {
  // --- Automatic batching: 10,000 concurrent concepts.get -------------------------------------
  const lookups = Array.from({ length: 10_000 }, (_, i) => ids[i % ids.length]!)
  const concurrentRun = async (batching: boolean) => {
    const client = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated", batching })
    try {
      await client.concepts.get(ids[0]!) // warm-up (connection, runtime)
      await control("DELETE", "requests")
      const started = performance.now()
      const results = await Promise.all(lookups.map((id) => client.concepts.get(id)))
      const ms = performance.now() - started
      const wrong = results.filter((concept, i) => concept.concept_id !== lookups[i]).length
      if (wrong > 0) throw new Error(`${wrong} wrong results`)
      return { requests: (await control("GET", "requests")).requests!.length, ms: Math.round(ms) }
    } finally {
      await client.close()
    }
  }
  // BENCH_CONCURRENT=0 skips this part (e.g. to profile only the sequential loops).
  const skipConcurrent = process.env.BENCH_CONCURRENT === "0"
  const batchingOn = skipConcurrent ? undefined : await concurrentRun(true)
  const batchingOff = skipConcurrent ? undefined : await concurrentRun(false)
  if (batchingOn !== undefined && batchingOff !== undefined) {
    console.log(`\n10,000 concurrent concepts.get (Synthea ids, loopback, ${runtime})`)
    console.table({
      "batching on": { "HTTP requests": batchingOn.requests, "wall time (ms)": batchingOn.ms },
      "batching off": { "HTTP requests": batchingOff.requests, "wall time (ms)": batchingOff.ms },
    })
  }

  // --- Per-request overhead: sequential SDK calls vs raw fetch of the same URL and headers -------
  const client = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated" })
  const id = 201826
  const headers = {
    authorization: `Bearer ${apiKey}`,
    accept: "application/json",
    "user-agent": userAgent(undefined),
  }
  const raw = async () => {
    const response = await fetch(`${url}/concepts/${id}`, { headers })
    const body = (await response.json()) as { data: { concept_id: number } }
    if (body.data.concept_id !== id) throw new Error("raw fetch: wrong concept")
  }
  const sdk = async () => {
    const concept = await client.concepts.get(id)
    if (concept.concept_id !== id) throw new Error("sdk: wrong concept")
  }
  const loop = async (f: () => Promise<void>, n: number, into: Array<number>) => {
    for (let i = 0; i < n; i++) {
      const started = performance.now()
      await f()
      into.push(performance.now() - started)
    }
  }
  for (let i = 0; i < warmUp; i++) {
    await raw()
    await sdk()
  }
  const sdkTimes: Array<number> = []
  const rawTimes: Array<number> = []
  const roundMedians: Array<{ sdk: number; raw: number }> = []
  for (let round = 0; round < rounds; round++) {
    const sdkRound: Array<number> = []
    const rawRound: Array<number> = []
    if (round % 2 === 0) {
      await loop(sdk, perRound, sdkRound)
      await loop(raw, perRound, rawRound)
    } else {
      await loop(raw, perRound, rawRound)
      await loop(sdk, perRound, sdkRound)
    }
    sdkTimes.push(...sdkRound)
    rawTimes.push(...rawRound)
    roundMedians.push({ sdk: quantile(sdkRound, 0.5), raw: quantile(rawRound, 0.5) })
  }
  await client.close()

  const summary = (values: Array<number>) => ({
    medianMs: round3(quantile(values, 0.5)),
    p99Ms: round3(quantile(values, 0.99)),
  })
  const sdk_ = summary(sdkTimes)
  const raw_ = summary(rawTimes)
  const medianRatio = round3(sdk_.medianMs / raw_.medianMs)
  const p99Ratio = round3(sdk_.p99Ms / raw_.p99Ms)
  const roundRatios = roundMedians.map((r) => round3(r.sdk / r.raw))
  console.log(
    `\n${rounds} alternating rounds of ${perRound} sequential GET /concepts/${id} each (after ${warmUp} warm-up calls each)`,
  )
  console.table({ "concepts.get (SDK)": sdk_, "raw fetch": raw_ })
  console.log(`median ratio SDK/raw: ${medianRatio}; p99 ratio: ${p99Ratio}`)
  console.log(`per-round median ratios: ${roundRatios.join(" ")}`)

  const results = {
    benchmark: "batching",
    runtime,
    runtimeVersion: process.versions.bun ?? process.versions.deno ?? process.versions.node,
    date: new Date().toISOString(),
    concurrent: { calls: lookups.length, batchingOn, batchingOff },
    overhead: {
      rounds,
      perRound,
      warmUp,
      sdk: sdk_,
      raw: raw_,
      medianRatio,
      p99Ratio,
      roundRatios,
    },
  }
  const resultsDir = path.join(benchDir, "results")
  mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `batching-${runtime}-${results.date.replace(/[:.]/g, "-")}.json`)
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`results: ${path.relative(process.cwd(), file)}`)
} finally {
  child.kill("SIGTERM")
}

function quantile(values: Array<number>, q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function round3(value: number): number {
  return Number(value.toFixed(3))
}
