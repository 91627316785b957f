/**
 * 6. Memory: peak RSS growth while 100,000 items stream through SDK pagination, against the same
 * pages fetched and walked with plain `fetch` (each in a fresh Node process, after a warm-up walk
 * and a GC; the growth is measured from there).
 */
import { runChild } from "../lib/child.ts"
import type { Figures } from "../lib/report.ts"
import { ratio } from "../lib/stats.ts"
import { standardVocabulary } from "../lib/synthetic.ts"
import type { Mode, SectionResult } from "./types.ts"

interface MemoryResult {
  readonly variant: string
  readonly items: number
  readonly wallMs: number
  readonly baselineRssMiB: number
  readonly baselineHeapMiB: number
  readonly peakRssGrowthMiB: number
  readonly peakHeapGrowthMiB: number
  readonly rssAfterGcGrowthMiB: number
  readonly heapAfterGcGrowthMiB: number
}

export const memoryItems = (mode: Mode) => (mode === "full" ? 100_000 : 2_000)

export const runMemory = async (url: string, key: string, mode: Mode): Promise<SectionResult> => {
  const items = memoryItems(mode)
  const config = {
    url,
    key,
    vocabularyId: standardVocabulary,
    items,
    warmUpItems: mode === "full" ? 5_000 : 500,
    // 1000 is the most `GET /vocabularies/{id}/concepts` allows per page (the API contract).
    pageSize: mode === "full" ? 1000 : 100,
  }
  const run = async (variant: "sdk" | "raw") =>
    (await runChild<MemoryResult>("node", "memory.ts", { ...config, variant }, { nodeArgs: ["--expose-gc"] }))
      .result
  // ABBA order: whichever runs first also pays for the sandbox warming up. Each variant keeps its
  // larger peak (memory is judged conservatively) and its mean wall time.
  const runs = { sdk: [await run("sdk")], raw: [await run("raw")] }
  runs.raw.push(await run("raw"))
  runs.sdk.push(await run("sdk"))
  const combine = (pair: ReadonlyArray<MemoryResult>): MemoryResult => {
    const [a, b] = pair as [MemoryResult, MemoryResult]
    const larger = a.peakRssGrowthMiB >= b.peakRssGrowthMiB ? a : b
    return { ...larger, wallMs: Math.round((a.wallMs + b.wallMs) / 2) }
  }
  const sdk = combine(runs.sdk)
  const raw = combine(runs.raw)
  const figures: Figures = {
    "memory.sdk.peak_rss_growth": {
      value: sdk.peakRssGrowthMiB,
      unit: "MiB",
      target: "< 50",
      note: `${sdk.items} items in pages of ${config.pageSize}; heap peak +${sdk.peakHeapGrowthMiB} MiB over a ${sdk.baselineRssMiB} MiB RSS baseline`,
    },
    "memory.raw.peak_rss_growth": {
      value: raw.peakRssGrowthMiB,
      unit: "MiB",
      note: `plain fetch of the same pages; heap peak +${raw.peakHeapGrowthMiB} MiB`,
    },
    "memory.sdk_vs_raw.peak_rss_extra": {
      value: Math.round((sdk.peakRssGrowthMiB - raw.peakRssGrowthMiB) * 10) / 10,
      unit: "MiB",
      note: "SDK peak RSS growth minus the raw walk's, same run (negative: the SDK peaked lower)",
    },
    "memory.sdk.heap_after_gc_growth": {
      value: sdk.heapAfterGcGrowthMiB,
      unit: "MiB",
      note: `heap after the walk and a GC, minus the baseline (raw: ${raw.heapAfterGcGrowthMiB} MiB); RSS after GC +${sdk.rssAfterGcGrowthMiB} MiB (raw +${raw.rssAfterGcGrowthMiB})`,
    },
    "memory.sdk_vs_raw.heap_peak_ratio": {
      value: ratio(sdk.peakHeapGrowthMiB, raw.peakHeapGrowthMiB),
      unit: "SDK/raw",
    },
    "memory.sdk_vs_raw.wall_ratio": {
      value: ratio(sdk.wallMs, raw.wallMs),
      unit: "SDK/raw",
      note: `SDK ${sdk.wallMs} ms, raw ${raw.wallMs} ms for ${items} items`,
    },
  }
  const { key: _key, ...shown } = config
  return { figures, details: { ...shown, runs } }
}
