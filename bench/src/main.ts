/**
 * `pnpm bench` (repo root) / `node bench/src/main.ts`: runs every benchmark, prints one table of
 * figures and writes them as JSON (results/latest.json and a timestamped copy).
 *
 *   --smoke                 tiny sizes: proves each benchmark produces its figures (CI)
 *   --only a,b              sections: overhead, startup, batch, rate-limit, memory, bundle
 *   --out DIR               where to write the JSON (default results/, results/smoke/ with --smoke)
 *   --compare a.json b.json print the change of every figure from run a to run b, and exit
 *
 * Every figure is a ratio to a reference measured in the same run (raw fetch, an unlimited run,
 * the bound a rate limit implies), so runs on different machines stay comparable.
 */
import { mkdir, writeFile } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { compareRuns } from "./lib/compare.ts"
import { resultsDir, syntheaDir } from "./lib/paths.ts"
import { type Figures, formatTable } from "./lib/report.ts"
import { benchKey, type SandboxProcess, startSandbox } from "./lib/sandbox.ts"
import { generateVocabulary } from "./lib/synthetic.ts"
import { runBatch } from "./sections/batch.ts"
import { runBundle } from "./sections/bundle.ts"
import { runMemory } from "./sections/memory.ts"
import { runOverhead } from "./sections/overhead.ts"
import { runRateLimit } from "./sections/rateLimit.ts"
import { runStartup } from "./sections/startup.ts"
import type { Mode, SectionResult } from "./sections/types.ts"

const sectionNames = ["overhead", "startup", "batch", "rate-limit", "memory", "bundle"] as const
type SectionName = (typeof sectionNames)[number]

const usage = () => {
  console.error(
    "usage: node src/main.ts [--smoke] [--only overhead,startup,batch,rate-limit,memory,bundle] [--out DIR]\n" +
      "       node src/main.ts --compare a.json b.json",
  )
  process.exit(2)
}

const args = process.argv.slice(2)
if (args[0] === "--compare") {
  if (args.length !== 3) usage()
  console.log(await compareRuns(args[1]!, args[2]!))
  process.exit(0)
}

let mode: Mode = "full"
let only: ReadonlyArray<SectionName> = sectionNames
let out: string | undefined
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!
  if (arg === "--smoke") mode = "smoke"
  else if (arg === "--only" || arg === "--out") {
    const value = args[++i]
    if (value === undefined) usage()
    if (arg === "--out") out = path.resolve(value!)
    else {
      const names = value!.split(",").map((name) => name.trim())
      const unknown = names.filter((name) => !(sectionNames as ReadonlyArray<string>).includes(name))
      if (unknown.length > 0) {
        console.error(`unknown section(s): ${unknown.join(", ")}`)
        usage()
      }
      only = names as ReadonlyArray<SectionName>
    }
  } else usage()
}
const outDir = out ?? (mode === "smoke" ? path.join(resultsDir, "smoke") : resultsDir)

const started = new Date()
const figures: Figures = {}
const sections: Record<string, unknown> = {}
const failed: string[] = []
const wants = (name: SectionName) => only.includes(name)

const section = async (name: SectionName, run: () => Promise<SectionResult>) => {
  if (!wants(name)) return
  const t0 = performance.now()
  console.error(`[bench] ${name} (${mode})...`)
  try {
    const result = await run()
    Object.assign(figures, result.figures)
    sections[name] = { seconds: Math.round((performance.now() - t0) / 100) / 10, ...Object(result.details) }
  } catch (error) {
    failed.push(name)
    const message = error instanceof Error ? error.message : String(error)
    sections[name] = { error: message }
    console.error(`[bench] ${name} failed: ${message}`)
  }
  console.error(`[bench] ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

const loadBefore = os.loadavg()

if (wants("overhead") || wants("startup")) {
  const sandbox = await startSandbox(syntheaDir)
  try {
    await section("overhead", () => runOverhead(sandbox.url, benchKey, mode))
    await section("startup", () => runStartup(sandbox.url, benchKey, mode))
  } finally {
    await sandbox.close()
  }
}

if (wants("batch") || wants("rate-limit") || wants("memory")) {
  const sizes = mode === "full" ? { standard: 100_000, sources: 10_000 } : { standard: 2_000, sources: 300 }
  const t0 = performance.now()
  const vocabulary = await generateVocabulary(sizes.standard, sizes.sources)
  let sandbox: SandboxProcess | undefined
  try {
    sandbox = await startSandbox(vocabulary.dir)
    const loadMs = Math.round(performance.now() - t0)
    console.error(
      `[bench] synthetic vocabulary: ${sizes.standard + sizes.sources} concepts, served after ${loadMs} ms`,
    )
    const live = sandbox
    await section("batch", () => runBatch(live, vocabulary, mode))
    await section("rate-limit", () => runRateLimit(live, vocabulary.standardIds.slice(0, 5000), mode))
    await section("memory", () => runMemory(live.url, benchKey, mode))
  } finally {
    await sandbox?.close()
    await vocabulary.remove()
  }
}

await section("bundle", () => runBundle())

const result = {
  schema: 1,
  mode,
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  machine: {
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageBefore: loadBefore.map((value) => Math.round(value * 100) / 100),
    loadAverageAfter: os.loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.versions.node,
  },
  failedSections: failed,
  figures,
  sections,
}

await mkdir(outDir, { recursive: true })
const json = `${JSON.stringify(result, null, 2)}\n`
const stamped = path.join(outDir, `bench-${result.date.replace(/[:.]/g, "-")}.json`)
await writeFile(stamped, json)
await writeFile(path.join(outDir, "latest.json"), json)

console.log(
  `\nOMOPHub SDK benchmarks (${mode}), ${result.date}, ${result.machine.cpus} CPUs, load ${loadBefore.map((v) => v.toFixed(2)).join(" ")}`,
)
console.log(formatTable(figures))
if (wants("bundle") && (sections.bundle as { measured?: boolean } | undefined)?.measured !== true) {
  console.log("bundle: not measured")
}
console.log(
  `\nresults: ${path.relative(process.cwd(), path.join(outDir, "latest.json"))} and ${path.relative(process.cwd(), stamped)}`,
)
if (failed.length > 0) {
  console.error(`failed sections: ${failed.join(", ")}`)
  process.exit(1)
}
