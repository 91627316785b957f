/**
 * 3. Rate-limit adherence: independent calls (automatic batching off, so each call is one request)
 * from 32 concurrent callers against a limit of 20 requests/second. Figures: 429s the sandbox sent
 * (from its request log) and the share of the allowed throughput the client used.
 */
import { createClient } from "@omophub/node"
import type { Figures } from "../lib/report.ts"
import type { SandboxProcess } from "../lib/sandbox.ts"
import { median, ratio, round } from "../lib/stats.ts"
import type { Mode, SectionResult } from "./types.ts"

const limit = { limit: 20, windowMs: 1000 }
const concurrency = 32

export const runRateLimit = async (
  sandbox: SandboxProcess,
  ids: ReadonlyArray<number>,
  mode: Mode,
): Promise<SectionResult> => {
  const calls = mode === "full" ? 2000 : 60
  await sandbox.setRateLimit(limit)
  await sandbox.clearRequests()
  const client = createClient({
    apiKey: "oh_bench_key_000001",
    baseUrl: sandbox.url,
    rateLimitState: "isolated",
    batching: false,
  })
  let next = 0
  let failures = 0
  let caller429s = 0
  const started = performance.now()
  const worker = async () => {
    while (next < calls) {
      const id = ids[next++ % ids.length]!
      try {
        await client.concepts.get(id)
      } catch (error) {
        failures++
        if ((error as { _tag?: unknown })._tag === "RateLimitError") caller429s++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wallMs = performance.now() - started
  await client.close()
  const log = await sandbox.requests()
  await sandbox.setRateLimit(undefined)

  const statuses = log.map((entry) => entry.status)
  const server429s = statuses.filter((status) => status === 429).length
  const firstAnswered = statuses.findIndex((status) => status !== null)
  const after = statuses.slice(firstAnswered + 1).filter((status) => status === 429).length
  const requestMs = median(log.flatMap((entry) => (entry.durationMs === undefined ? [] : [entry.durationMs])))
  // The fastest the limit allows: ceil(calls / limit) windows, the last one needing one request's time.
  const minimumMs = (Math.ceil(calls / limit.limit) - 1) * limit.windowMs + requestMs
  const figures: Figures = {
    "rate_limit.server_429s_after_first": {
      value: after,
      unit: "responses",
      target: "= 0",
      note: `${calls} calls, ${concurrency} callers, limit ${limit.limit}/s; ${server429s} 429s in all, ${log.length} requests`,
    },
    "rate_limit.throughput_share": {
      value: ratio(minimumMs, wallMs),
      unit: "of allowed",
      target: ">= 0.90",
      note: `${round(wallMs / 1000, 2)} s vs ${round(minimumMs / 1000, 2)} s minimum; caller errors ${failures}`,
    },
  }
  return {
    figures,
    details: {
      calls,
      concurrency,
      rateLimit: limit,
      wallMs: round(wallMs, 1),
      minimumMs: round(minimumMs, 1),
      requests: log.length,
      server429s,
      server429sAfterFirstResponse: after,
      callerFailures: failures,
      caller429s,
    },
  }
}
