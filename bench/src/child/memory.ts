/**
 * Memory while streaming `items` concepts through pagination, in its own Node process (run with
 * --expose-gc): after a warm-up walk and a GC, the resident set and heap are the baseline; then a
 * sampler records the peak while the walk runs. `sdk` walks `vocabularies.conceptsIter`; `raw`
 * fetches the same pages with `fetch` and walks the parsed arrays (the reference). Pages are sorted
 * by concept id: the sandbox sorts the whole vocabulary for every page, and by name (a collator)
 * that would dominate the run.
 */
import { emit, loadSdk, readConfig } from "./common.ts"

interface Config {
  readonly url: string
  readonly key: string
  readonly vocabularyId: string
  readonly items: number
  readonly warmUpItems: number
  readonly pageSize: number
  readonly variant: "sdk" | "raw"
}

const config = readConfig<Config>()
const { createClient } = await loadSdk()
const client = createClient({ apiKey: config.key, baseUrl: config.url, rateLimitState: "isolated" })
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {})

async function* rawItems(): AsyncGenerator<{ concept_id: number }> {
  for (let page = 1; ; page++) {
    const response = await fetch(
      `${config.url}/vocabularies/${config.vocabularyId}/concepts?page=${page}&page_size=${config.pageSize}&sort_by=concept_id`,
      { headers: { authorization: `Bearer ${config.key}`, accept: "application/json" } },
    )
    const body = (await response.json()) as {
      data: Array<{ concept_id: number }> | { concepts: Array<{ concept_id: number }> }
    }
    const items = Array.isArray(body.data) ? body.data : body.data.concepts
    if (items.length === 0) return
    yield* items
    if (items.length < config.pageSize) return
  }
}

const walk = async (count: number): Promise<{ seen: number; checksum: number }> => {
  const source =
    config.variant === "sdk"
      ? client.vocabularies.conceptsIter(config.vocabularyId, {
          pageSize: config.pageSize,
          sortBy: "concept_id",
        })
      : rawItems()
  let seen = 0
  let checksum = 0
  for await (const concept of source) {
    checksum = (checksum + concept.concept_id) % 1_000_000_007
    if (++seen >= count) break
  }
  return { seen, checksum }
}

await walk(config.warmUpItems)
collect()
collect()
const baseline = process.memoryUsage()
let peakRss = baseline.rss
let peakHeap = baseline.heapUsed
const sample = () => {
  const now = process.memoryUsage()
  if (now.rss > peakRss) peakRss = now.rss
  if (now.heapUsed > peakHeap) peakHeap = now.heapUsed
}
const sampler = setInterval(sample, 10)
const started = performance.now()
const { seen } = await walk(config.items)
const wallMs = performance.now() - started
sample()
clearInterval(sampler)
collect()
const after = process.memoryUsage()
await client.close()

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
emit({
  variant: config.variant,
  items: seen,
  wallMs: Math.round(wallMs),
  baselineRssMiB: mib(baseline.rss),
  baselineHeapMiB: mib(baseline.heapUsed),
  peakRssGrowthMiB: mib(peakRss - baseline.rss),
  peakHeapGrowthMiB: mib(peakHeap - baseline.heapUsed),
  rssAfterGcGrowthMiB: mib(after.rss - baseline.rss),
  heapAfterGcGrowthMiB: mib(after.heapUsed - baseline.heapUsed),
})
