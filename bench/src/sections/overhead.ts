/** 1. Request overhead: SDK vs raw fetch, sequential calls, in Node, Deno and Bun. */
import { runChild } from "../lib/child.ts"
import { type RuntimeName, runtimeAvailable, runtimes } from "../lib/paths.ts"
import type { Figures } from "../lib/report.ts"
import { quantile, ratio, round } from "../lib/stats.ts"
import type { Mode, SectionResult } from "./types.ts"

interface ChildResult {
  readonly runtime: string
  readonly runtimeVersion: string
  readonly urls: Record<string, string>
  readonly samples: Record<string, { sdk: number[]; raw: number[] }>
}

export const sizes = (mode: Mode) =>
  mode === "full" ? { rounds: 10, perRound: 200, warmUp: 300 } : { rounds: 2, perRound: 20, warmUp: 10 }

export const runOverhead = async (url: string, key: string, mode: Mode): Promise<SectionResult> => {
  const { rounds, perRound, warmUp } = sizes(mode)
  const figures: Figures = {}
  const details: Record<string, unknown> = {}
  for (const runtime of runtimes as ReadonlyArray<RuntimeName>) {
    if (!runtimeAvailable(runtime)) {
      details[runtime] = { skipped: "runtime binary not installed" }
      continue
    }
    const { result } = await runChild<ChildResult>(runtime, "overhead.ts", {
      url,
      key,
      conceptId: 201826,
      query: "diabetes",
      rounds,
      perRound,
      warmUp,
    })
    const perOperation: Record<string, unknown> = {}
    for (const [operation, { sdk, raw }] of Object.entries(result.samples)) {
      const summary = (values: number[]) => ({
        medianMs: round(quantile(values, 0.5), 4),
        p99Ms: round(quantile(values, 0.99), 4),
        calls: values.length,
      })
      const s = summary(sdk)
      const r = summary(raw)
      const roundRatios = Array.from({ length: rounds }, (_, i) =>
        ratio(
          quantile(sdk.slice(i * perRound, (i + 1) * perRound), 0.5),
          quantile(raw.slice(i * perRound, (i + 1) * perRound), 0.5),
        ),
      )
      const medianRatio = ratio(s.medianMs, r.medianMs)
      const p99Ratio = ratio(s.p99Ms, r.p99Ms)
      perOperation[operation] = {
        url: result.urls[operation],
        sdk: s,
        raw: r,
        medianRatio,
        p99Ratio,
        roundRatios,
      }
      const prefix = `overhead.${runtime}.${operation}`
      figures[`${prefix}.median_ratio`] = {
        value: medianRatio,
        unit: "SDK/raw",
        target: "<= 1.10",
        note: `SDK ${s.medianMs} ms, raw ${r.medianMs} ms, ${s.calls} calls each`,
      }
      figures[`${prefix}.p99_ratio`] = {
        value: p99Ratio,
        unit: "SDK/raw",
        note: `SDK ${s.p99Ms} ms, raw ${r.p99Ms} ms`,
      }
    }
    details[runtime] = { version: result.runtimeVersion, rounds, perRound, warmUp, operations: perOperation }
  }
  return { figures, details }
}
