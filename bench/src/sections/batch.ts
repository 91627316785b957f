/**
 * 2. Batch throughput under a 10 requests/second limit: 10,000 `concepts.get` calls, 10,000
 * one-concept-id `mappings.map` calls and 10,000 one-code `mappings.map` calls (the SDK's automatic
 * batching turns each into requests of up to 100 items), each run twice in the same sandbox: once
 * without a limit (the reference: how fast the workload can go at all) and once with it. Figures: HTTP requests used, 429s that reached the
 * caller, and wall time against the lower bound the limit implies.
 */
import { createClient, type OMOPHub } from "@omophub/node"
import type { Figures } from "../lib/report.ts"
import type { LoggedStatus, SandboxProcess } from "../lib/sandbox.ts"
import { median, ratio, round } from "../lib/stats.ts"
import { type SyntheticVocabulary, standardVocabulary } from "../lib/synthetic.ts"
import type { Mode, SectionResult } from "./types.ts"

export const batchSizes = (mode: Mode) => (mode === "full" ? { items: 10_000 } : { items: 300 })
const limit = { limit: 10, windowMs: 1000 }

interface Workload {
  readonly name: string
  readonly description: string
  /** The most requests the issue allows for `items` items. */
  readonly allowedRequests: number
  readonly run: (client: OMOPHub) => Promise<ReadonlyArray<PromiseSettledResult<boolean>>>
}

interface Measured {
  readonly wallMs: number
  readonly requests: number
  readonly server429s: number
  readonly caller429s: number
  readonly otherErrors: number
  readonly wrongResults: number
  /** Median server time of one request of the run. */
  readonly medianRequestMs: number
}

const measure = async (sandbox: SandboxProcess, workload: Workload): Promise<Measured> => {
  const client = createClient({
    apiKey: "oh_bench_key_000001",
    baseUrl: sandbox.url,
    rateLimitState: "isolated",
  })
  try {
    await sandbox.clearRequests()
    const started = performance.now()
    const settled = await workload.run(client)
    const wallMs = performance.now() - started
    const log: ReadonlyArray<LoggedStatus> = await sandbox.requests()
    const rejections = settled.flatMap((entry) =>
      entry.status === "rejected" ? [entry.reason as unknown] : [],
    )
    const is429 = (error: unknown) =>
      typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "RateLimitError"
    return {
      wallMs,
      requests: log.length,
      server429s: log.filter((entry) => entry.status === 429).length,
      caller429s: rejections.filter(is429).length,
      otherErrors: rejections.filter((error) => !is429(error)).length,
      wrongResults: settled.filter((entry) => entry.status === "fulfilled" && !entry.value).length,
      medianRequestMs: median(
        log.flatMap((entry) => (entry.durationMs === undefined ? [] : [entry.durationMs])),
      ),
    }
  } finally {
    await client.close()
  }
}

/** Runs `measure` `times` times and keeps the run with the median wall time. */
const medianRun = async (times: number, measure: () => Promise<Measured>): Promise<Measured> => {
  const runs: Measured[] = []
  for (let i = 0; i < times; i++) runs.push(await measure())
  runs.sort((a, b) => a.wallMs - b.wallMs)
  return runs[Math.floor(runs.length / 2)]!
}

export const runBatch = async (
  sandbox: SandboxProcess,
  vocabulary: SyntheticVocabulary,
  mode: Mode,
): Promise<SectionResult> => {
  const { items } = batchSizes(mode)
  const ids = vocabulary.standardIds.slice(0, items)
  const sourceIds = vocabulary.sourceIds.slice(0, items)
  const codes = vocabulary.sourceCodes.slice(0, items)
  const target = standardVocabulary
  const workloads: ReadonlyArray<Workload> = [
    {
      name: "concepts_get",
      description: `${items} concurrent concepts.get(id) (automatic batching)`,
      allowedRequests: Math.ceil(items / 100),
      run: (client) =>
        Promise.allSettled(ids.map(async (id) => (await client.concepts.get(id)).concept_id === id)),
    },
    {
      name: "map_concept_ids",
      description: `${items} concurrent mappings.map({ sourceConcepts: [id] }) (automatic batching)`,
      allowedRequests: Math.ceil(items / 100),
      run: (client) =>
        Promise.allSettled(
          sourceIds.map(
            async (id) =>
              (await client.mappings.map({ targetVocabulary: target, sourceConcepts: [id] })).mappings
                .length === 1,
          ),
        ),
    },
    {
      name: "map_codes",
      description: `${items} concurrent mappings.map({ sourceCodes: [pair] }) (automatic batching)`,
      allowedRequests: Math.ceil(items / 100),
      run: (client) =>
        Promise.allSettled(
          codes.map(async (code) => {
            const result = await client.mappings.map({ targetVocabulary: target, sourceCodes: [code] })
            return (
              result.mappings.length === 1 &&
              result.mappings[0]!.source_vocabulary_id === code.vocabularyId &&
              result.mappings[0]!.source_concept_code === code.conceptCode
            )
          }),
        ),
    },
  ]

  const figures: Figures = {}
  const details: Record<string, unknown> = { items, rateLimit: limit }
  for (const workload of workloads) {
    await sandbox.setRateLimit(undefined)
    await measure(sandbox, workload) // warm-up: JIT and caches on both sides, not counted
    // The unlimited reference is the median of three runs, and so is a limited run when the
    // workload is that short: one scheduler hiccup on a shared machine would otherwise decide it.
    const free = await medianRun(3, () => measure(sandbox, workload))
    const limitedRuns = free.wallMs < 1000 ? 3 : 1
    const limited = await medianRun(limitedRuns, async () => {
      await sandbox.setRateLimit(limit) // counters restart: each run starts with a fresh window
      return measure(sandbox, workload)
    })
    // The limit admits `limit` requests per window from the first one on: R requests need
    // ceil(R / limit) windows, and the last one still takes one request's time. Never faster than
    // the same workload with no limit at all.
    const rateBoundMs =
      (Math.ceil(limited.requests / limit.limit) - 1) * limit.windowMs + free.medianRequestMs
    const lowerBoundMs = Math.max(rateBoundMs, free.wallMs)
    details[workload.name] = {
      description: workload.description,
      unlimited: free,
      limited,
      limitedRuns,
      lowerBoundMs: round(lowerBoundMs, 1),
    }
    const prefix = `batch.${workload.name}`
    figures[`${prefix}.requests`] = {
      value: limited.requests,
      unit: "requests",
      target: `<= ${workload.allowedRequests}`,
      note: workload.description,
    }
    figures[`${prefix}.caller_429s`] = {
      value: limited.caller429s,
      unit: "errors",
      target: "= 0",
      note: `server sent ${limited.server429s} 429s; other errors ${limited.otherErrors}, wrong results ${limited.wrongResults}`,
    }
    figures[`${prefix}.wall_vs_bound`] = {
      value: ratio(limited.wallMs, lowerBoundMs),
      unit: "x bound",
      target: "<= 1.2",
      note: `${round(limited.wallMs / 1000, 2)} s vs bound ${round(lowerBoundMs / 1000, 2)} s (no limit: ${round(free.wallMs / 1000, 2)} s)`,
    }
  }

  return { figures, details }
}
