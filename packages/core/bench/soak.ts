// Soak run (a script, not a test): N mixed calls, 16 at a time, against the sandbox serving the
// Synthea subset, with ~5% of calls preceded by a scripted fault chosen by a seeded PRNG. Checks that
// every call ends in a result or a typed SDK error, that no unsafe POST is replayed after the server
// may have acted on it, and that the process exits on its own afterwards (no timers or sockets left).
//
//   node bench/soak.ts [--calls 100000] [--concurrency 16] [--seed 1] [--fault-rate 0.05]
//
// Prints a summary table and a `SOAK_SUMMARY {json}` line; exits 1 on any violation.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import * as v8 from "node:v8"
import { runInNewContext } from "node:vm"
import { type FaultSpec, type LoggedRequest, start } from "@omophub/sandbox"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { Concepts, isOmopHubError, makeOperation, OmopHubClient, RequestPipeline } from "../src/index.ts"

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "16" },
    seed: { type: "string", default: "1" },
    "fault-rate": { type: "string", default: "0.05" },
  },
})
const totalCalls = Number(args.calls)
const concurrency = Number(args.concurrency)
const seed = Number(args.seed)
const faultRate = Number(args["fault-rate"])
if (![totalCalls, concurrency, seed, faultRate].every(Number.isFinite) || totalCalls < 1 || concurrency < 1) {
  console.error("usage: node bench/soak.ts [--calls N] [--concurrency N] [--seed N] [--fault-rate 0.05]")
  process.exit(2)
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with the same --seed. */
const prng = (state: number) => () => {
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const random = prng(seed)
const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!

// Test data from the Synthea subset: ids, (vocabulary, code) pairs and search words.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const vocab = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
const rows = readFileSync(path.join(vocab, "CONCEPT.csv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.trim() !== "")
  .map((line) => line.split("\t"))
const ids = rows.map((row) => Number(row[0]))
const codes = rows.map((row) => [row[3]!, row[6]!] as const)
const words = [
  ...new Set(rows.flatMap((row) => row[1]!.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 5)),
].slice(0, 300)

/** A POST that is NOT safe to replay (test-only), tagged with the call number to find its attempts. */
const unsafePost = makeOperation({
  resource: "soak",
  name: "unsafePost",
  method: "POST",
  path: "/concepts/batch",
  safeToReplay: false,
  pagination: "none",
  encode: (input: { readonly conceptIds: ReadonlyArray<number>; readonly call: number }, check) => {
    const encoded = Concepts.batch.encode({ conceptIds: input.conceptIds }, check)
    return { ...encoded, body: { ...(encoded.body as object), soak_call: input.call } }
  },
  data: Concepts.batch.data,
  output: Concepts.batch.output,
})

const apiKey = "oh_soak_key_00000001"
const sandbox = await start({ keys: [apiKey], vocab })
const runtime = ManagedRuntime.make(
  OmopHubClient.layer({
    apiKey,
    baseUrl: sandbox.url,
    rateLimitState: "isolated",
    concurrency,
    timeoutMs: 15_000,
  }),
)

type Call = (n: number) => Effect.Effect<unknown, unknown, OmopHubClient | RequestPipeline>
interface Kind {
  readonly name: string
  readonly weight: number
  /** Fault `match` prefix for this kind's requests. */
  readonly route: string
  readonly call: Call
}
const client = Effect.service(OmopHubClient)
const kinds: ReadonlyArray<Kind> = [
  {
    name: "concepts.get",
    weight: 30,
    route: "/v1/concepts",
    call: () => Effect.flatMap(client, (c) => c.concepts.get(pick(ids))),
  },
  {
    name: "concepts.getByCode",
    weight: 10,
    route: "/v1/concepts",
    call: () => {
      const [vocabularyId, code] = pick(codes)
      return Effect.flatMap(client, (c) => c.concepts.getByCode(vocabularyId, code))
    },
  },
  {
    name: "concepts.batch",
    weight: 8,
    route: "/v1/concepts",
    call: () => Effect.flatMap(client, (c) => c.concepts.batch([pick(ids), pick(ids), pick(ids)])),
  },
  {
    name: "search.basic",
    weight: 15,
    route: "/v1/search",
    call: () => Effect.flatMap(client, (c) => c.search.basic(pick(words), { pageSize: 5 })),
  },
  {
    name: "search.advanced",
    weight: 5,
    route: "/v1/search",
    call: () => Effect.flatMap(client, (c) => c.search.advanced(pick(words), { pageSize: 5 })),
  },
  {
    name: "hierarchy.ancestors",
    weight: 5,
    route: "/v1/concepts",
    call: () => Effect.flatMap(client, (c) => c.hierarchy.ancestors(pick(ids))),
  },
  {
    name: "mappings.get",
    weight: 5,
    route: "/v1/concepts",
    call: () => Effect.flatMap(client, (c) => c.mappings.get(pick(ids))),
  },
  {
    name: "vocabularies.get",
    weight: 4,
    route: "/v1/vocabularies",
    call: () => Effect.flatMap(client, (c) => c.vocabularies.get(pick(codes)[0])),
  },
  {
    name: "unsafe POST",
    weight: 9,
    route: "/v1/concepts",
    call: (n) =>
      Effect.flatMap(Effect.service(RequestPipeline), (p) =>
        p.execute(unsafePost, { conceptIds: [pick(ids)], call: n }),
      ),
  },
  {
    name: "unsafe POST + idempotency key",
    weight: 9,
    route: "/v1/concepts",
    call: (n) =>
      Effect.flatMap(Effect.service(RequestPipeline), (p) =>
        p.execute(unsafePost, { conceptIds: [pick(ids)], call: n }, { idempotencyKey: `soak-${n}` }),
      ),
  },
]
const totalWeight = kinds.reduce((sum, k) => sum + k.weight, 0)
const pickKind = (): Kind => {
  let r = random() * totalWeight
  for (const kind of kinds) {
    r -= kind.weight
    if (r < 0) return kind
  }
  return kinds[kinds.length - 1]!
}

// The faults: small waits so a long run stays fast.
const faultMenu: ReadonlyArray<readonly [string, FaultSpec]> = [
  ["503 Retry-After 0", { kind: "status", status: 503, retryAfter: 0 }],
  ["429 Retry-After 0", { kind: "status", status: 429, retryAfter: 0 }],
  [
    "429 reset headers",
    { kind: "status", status: 429, headers: { "RateLimit-Remaining": "0", "RateLimit-Reset": "0" } },
  ],
  ["500 (backoff)", { kind: "status", status: 500 }],
  ["connection reset", { kind: "reset", phase: "before-headers" }],
  ["truncated body", { kind: "truncate", sendBytes: 16 }],
]

// --- Request-log accounting. The log keeps the latest 10 000 requests; it is read (not cleared)
// every few thousand calls, each entry is counted once it has settled, and ids are forgotten once
// they left the log. Unsafe POSTs without a key: every attempt after one the server answered with
// anything but 429 (or that broke mid-way) is a duplicate replay.
const seen = new Set<string>()
let requestsSeen = 0
let faultedRequests = 0
let logGaps = 0
const unsafeAttempts = new Map<number, { sent: number; non429: number }>()
let duplicateReplays = 0
const settled = (r: LoggedRequest) => r.status !== null || r.fault === "reset"
const account = (final: boolean) => {
  const log = sandbox.requests()
  if (log.length >= 10_000 && !seen.has(log[0]!.id)) logGaps++
  const present = new Set<string>()
  for (const r of log) {
    present.add(r.id)
    if (seen.has(r.id) || !(final || settled(r))) continue
    seen.add(r.id)
    requestsSeen++
    if (r.fault !== undefined) faultedRequests++
    if (r.method !== "POST" || !r.body.includes("soak_call") || r.headers["idempotency-key"] !== undefined)
      continue
    const call = (JSON.parse(r.body) as { soak_call: number }).soak_call
    const tally = unsafeAttempts.get(call) ?? { sent: 0, non429: 0 }
    if (tally.non429 > 0) duplicateReplays++
    tally.sent++
    if (r.status !== 429) tally.non429++
    unsafeAttempts.set(call, tally)
  }
  for (const id of seen) if (!present.has(id)) seen.delete(id)
}

// --- Memory: RSS sampled while running; heap compared after a full GC at start and end.
v8.setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

// Warm-up, then the baseline.
await runtime.runPromise(Effect.flatMap(client, (c) => c.concepts.get(ids[0]!)))
sandbox.clearRequests()
gc()
const rssStart = process.memoryUsage().rss
const heapStart = process.memoryUsage().heapUsed
let rssPeak = rssStart
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
}, 200)

const outcomes = new Map<string, number>()
const byKind = new Map<string, Map<string, number>>()
const unexpected: Array<string> = []
const failureSamples = new Map<string, number>()
/** Heap after a full GC every 10% of the run: a leak climbs, a warm-up plateaus. */
const heapCheckpoints: Array<number> = []
let faultsQueued = 0
const faultCounts = new Map<string, number>()
let next = 0
let done = 0
const started = performance.now()

const worker = async () => {
  while (next < totalCalls) {
    const n = next++
    const kind = pickKind()
    if (random() < faultRate) {
      const [label, spec] = pick(faultMenu)
      sandbox.control.fault({ ...spec, match: kind.route } as FaultSpec)
      faultsQueued++
      faultCounts.set(label, (faultCounts.get(label) ?? 0) + 1)
    }
    const exit = await runtime.runPromiseExit(kind.call(n))
    let tag: string
    if (Exit.isSuccess(exit)) tag = "ok"
    else {
      const error = Cause.squash(exit.cause)
      if (isOmopHubError(error) && exit.cause.reasons.every((r) => r._tag === "Fail")) {
        tag = error._tag
        const code = "code" in error ? ` ${error.code}` : ""
        const sample = `${kind.name}: ${error._tag}${code}: ${error.message.slice(0, 120)}`
        failureSamples.set(sample, (failureSamples.get(sample) ?? 0) + 1)
      } else {
        tag = "UNEXPECTED"
        if (unexpected.length < 5) unexpected.push(`${kind.name}: ${Cause.pretty(exit.cause).slice(0, 300)}`)
      }
    }
    outcomes.set(tag, (outcomes.get(tag) ?? 0) + 1)
    const perKind = byKind.get(kind.name) ?? new Map<string, number>()
    perKind.set(tag, (perKind.get(tag) ?? 0) + 1)
    byKind.set(kind.name, perKind)
    done++
    if (done % 3000 === 0) account(false)
    if (done % Math.max(1, Math.floor(totalCalls / 10)) === 0) {
      gc()
      heapCheckpoints.push(mb(process.memoryUsage().heapUsed))
      console.error(
        `  ${done} calls, ${Math.round(performance.now() - started)} ms, heap ${heapCheckpoints.at(-1)} MB`,
      )
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
const durationMs = performance.now() - started
account(true)
clearInterval(sampler)
const pendingFaults = sandbox.control.pendingFaults().length
await runtime.dispose()
await sandbox.close()
gc()
const memoryEnd = process.memoryUsage()
const rssEnd = memoryEnd.rss
const heapEnd = memoryEnd.heapUsed

const settledCalls = [...outcomes.values()].reduce((a, b) => a + b, 0)
const violations: Array<string> = []
if (settledCalls !== totalCalls) violations.push(`${totalCalls - settledCalls} calls did not settle`)
if ((outcomes.get("UNEXPECTED") ?? 0) > 0) violations.push(`${outcomes.get("UNEXPECTED")} untyped failures`)
if (duplicateReplays > 0)
  violations.push(`${duplicateReplays} replays of unsafe POSTs the server may have acted on`)
if (logGaps > 0) violations.push(`the request log overflowed ${logGaps} time(s) between reads`)
// A leak climbs through the second half of the run; warm-up (JIT, the sandbox's search index and its
// 10 000-entry request log) levels off in the first. Over 100k calls, 100 bytes a call is ~10 MB.
const half = heapCheckpoints.slice(Math.floor(heapCheckpoints.length / 2))
const lateGrowthMb = half.length >= 2 ? half.at(-1)! - half[0]! : 0
if (totalCalls >= 20_000 && lateGrowthMb > 16) {
  violations.push(`heap grew ${lateGrowthMb} MB over the second half of the run`)
}

console.log(`\nSoak: ${totalCalls} calls, concurrency ${concurrency}, seed ${seed}, fault rate ${faultRate}`)
console.table(
  Object.fromEntries(
    [...byKind.entries()]
      .sort()
      .map(([name, tags]) => [name, Object.fromEntries([...tags.entries()].sort())]),
  ),
)
console.table({
  "duration (s)": (durationMs / 1000).toFixed(1),
  "calls/s": Math.round(totalCalls / (durationMs / 1000)),
  "requests seen by the sandbox": requestsSeen,
  "faults queued / faulted requests": `${faultsQueued} / ${faultedRequests}`,
  "faults left unconsumed": pendingFaults,
  "unsafe POSTs without key (calls)": unsafeAttempts.size,
  "duplicate unsafe replays": duplicateReplays,
  "RSS start / peak / end (MB)": `${mb(rssStart)} / ${mb(rssPeak)} / ${mb(rssEnd)}`,
  "heap after GC start / end (MB)": `${mb(heapStart)} / ${mb(heapEnd)}`,
  "heap after GC every 10% (MB)": heapCheckpoints.join(" "),
  // RSS above the live heap is mostly heap space V8 grew into under churn and keeps.
  "end: heap total / external / array buffers (MB)": `${mb(memoryEnd.heapTotal)} / ${mb(memoryEnd.external)} / ${mb(memoryEnd.arrayBuffers)}`,
})
console.log("Failures (typed), by operation, error and message:")
console.table(
  Object.fromEntries(
    [...failureSamples.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([text, count]) => [text, count]),
  ),
)
console.table(Object.fromEntries([...faultCounts.entries()].sort()))
for (const line of unexpected) console.log(`unexpected: ${line}`)
const summary = {
  calls: totalCalls,
  concurrency,
  seed,
  durationMs: Math.round(durationMs),
  outcomes: Object.fromEntries(outcomes),
  requests: requestsSeen,
  faultsQueued,
  faultedRequests,
  unsafeCallsWithoutKey: unsafeAttempts.size,
  duplicateReplays,
  rssMb: { start: mb(rssStart), peak: mb(rssPeak), end: mb(rssEnd) },
  heapMb: { start: mb(heapStart), end: mb(heapEnd), checkpoints: heapCheckpoints },
  violations,
}
console.log(`SOAK_SUMMARY ${JSON.stringify(summary)}`)
console.log(violations.length === 0 ? "SOAK PASS" : `SOAK FAIL: ${violations.join("; ")}`)
// No process.exit on success: the run must end by itself, with nothing left open.
if (violations.length > 0) process.exitCode = 1
