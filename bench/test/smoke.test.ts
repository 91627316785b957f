// CI smoke run of `pnpm bench`: every benchmark at tiny sizes, then a check that each one produced
// its figures in the JSON. No timing assertions: the figures are printed, not judged, here.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const outDir = mkdtempSync(path.join(tmpdir(), "omophub-bench-smoke-"))

interface Figure {
  readonly value: number | null
  readonly unit: string
}
interface Run {
  readonly mode: string
  readonly failedSections: ReadonlyArray<string>
  readonly figures: Record<string, Figure>
  readonly sections: Record<string, Record<string, unknown>>
}

let run: Run
let stdout = ""

beforeAll(() => {
  const child = spawnSync(
    process.execPath,
    [path.join(benchDir, "src", "main.ts"), "--smoke", "--out", outDir],
    {
      cwd: benchDir,
      encoding: "utf8",
      timeout: 170_000,
    },
  )
  stdout = child.stdout
  process.stdout.write(child.stdout)
  if (child.status !== 0)
    throw new Error(`bench --smoke exited with ${child.status}: ${child.stderr.slice(-3000)}`)
  run = JSON.parse(readFileSync(path.join(outDir, "latest.json"), "utf8")) as Run
})

afterAll(() => rmSync(outDir, { recursive: true, force: true }))

const numeric = (name: string) => {
  const figure = run.figures[name]
  expect(figure, name).toBeDefined()
  expect(typeof figure!.value, name).toBe("number")
  expect(Number.isFinite(figure!.value), name).toBe(true)
}

describe("pnpm bench --smoke", () => {
  it("writes latest.json and a timestamped copy, and no section failed", () => {
    expect(run.mode).toBe("smoke")
    expect(run.failedSections).toEqual([])
    expect(readdirSync(outDir).filter((name) => /^bench-.*\.json$/.test(name))).toHaveLength(1)
    expect(stdout).toContain("figure")
  })

  it.each(["node", "deno", "bun"])("measures request overhead in %s", (runtime) => {
    for (const operation of ["concepts.get", "search.basic"]) {
      numeric(`overhead.${runtime}.${operation}.median_ratio`)
      numeric(`overhead.${runtime}.${operation}.p99_ratio`)
    }
  })

  it("measures batch throughput: requests, 429s reaching the caller, wall time against the bound", () => {
    for (const workload of ["concepts_get", "map_concept_ids", "map_codes"]) {
      numeric(`batch.${workload}.requests`)
      numeric(`batch.${workload}.caller_429s`)
      numeric(`batch.${workload}.wall_vs_bound`)
    }
  })

  it("measures rate-limit adherence", () => {
    numeric("rate_limit.server_429s_after_first")
    numeric("rate_limit.throughput_share")
  })

  it.each(["node", "deno", "bun"])("measures start-up in %s", (runtime) => {
    numeric(`startup.${runtime}.ratio`)
    numeric(`startup.${runtime}.extra_ms`)
    numeric(`startup.${runtime}.sources_extra_ms`)
  })

  it("measures the default credential chain's start-up cost in node", () => {
    numeric("startup.node.default_chain_env_extra_ms")
    numeric("startup.node.default_chain_file_extra_ms")
  })

  it("measures memory while streaming pages", () => {
    numeric("memory.sdk.peak_rss_growth")
    numeric("memory.raw.peak_rss_growth")
    numeric("memory.sdk_vs_raw.peak_rss_extra")
    numeric("memory.sdk.heap_after_gc_growth")
  })

  it("measures bundle size, or says it could not", () => {
    const bundle = run.sections.bundle!
    if (bundle.measured === true) numeric("bundle.app.esbuild.gzip")
    else expect(stdout).toContain("bundle: not measured")
  })

  it("compares two runs as ratios", () => {
    const latest = path.join(outDir, "latest.json")
    const compared = spawnSync(
      process.execPath,
      [path.join(benchDir, "src", "main.ts"), "--compare", latest, latest],
      {
        encoding: "utf8",
      },
    )
    expect(compared.status).toBe(0)
    expect(compared.stdout).toMatch(/overhead\.node\.concepts\.get\.median_ratio\s.*1\.000x/)
  })
})
