/**
 * 4. Bundle size: measured by packages/browser/bench/bundle-size.ts (owned by the browser package:
 * esbuild and Vite builds of a small app and of the core, gzip and brotli, metafile contributors),
 * imported here when it exists. Its report is kept as is in the JSON; the table shows the sizes
 * and the gzip size against the report's own target.
 */
import { existsSync } from "node:fs"
import { pathToFileURL } from "node:url"
import { bundleSizeModule } from "../lib/paths.ts"
import type { Figures } from "../lib/report.ts"
import { ratio } from "../lib/stats.ts"
import type { SectionResult } from "./types.ts"

/** The parts of its `BundleReport` read here (the browser package owns the type). */
interface Sizes {
  readonly min: number
  readonly gzip: number
  readonly brotli: number
}
interface BundleReport {
  readonly app?: Record<string, Sizes>
  readonly core?: Record<string, Sizes>
  readonly packages?: ReadonlyArray<{ readonly name: string; readonly bytes: number }>
  readonly targetGzipBytes?: number
}

const notMeasured = (reason: string): SectionResult => {
  console.error(`bundle: not measured (${reason})`)
  return { figures: {}, details: { measured: false, reason } }
}

export const runBundle = async (): Promise<SectionResult> => {
  if (!existsSync(bundleSizeModule)) return notMeasured("packages/browser/bench/bundle-size.ts is missing")
  const module = (await import(pathToFileURL(bundleSizeModule).href)) as {
    measureBundles?: () => Promise<BundleReport>
  }
  if (typeof module.measureBundles !== "function")
    return notMeasured("bundle-size.ts exports no measureBundles")
  const report = await module.measureBundles()
  const figures: Figures = {}
  const target = report.targetGzipBytes
  const top = (report.packages ?? [])
    .slice(0, 4)
    .map((entry) => `${entry.name} ${Math.round(entry.bytes / 1024)} kB`)
    .join(", ")
  for (const [entry, bundlers] of [
    ["app", report.app],
    ["core", report.core],
  ] as const) {
    for (const [bundler, sizes] of Object.entries(bundlers ?? {})) {
      const prefix = `bundle.${entry}.${bundler}`
      figures[`${prefix}.gzip`] = {
        value: sizes.gzip,
        unit: "bytes",
        ...(target === undefined ? {} : { target: `<= ${target}` }),
        note: `min ${sizes.min}, brotli ${sizes.brotli}${entry === "app" && bundler === "esbuild" && top !== "" ? `; largest: ${top}` : ""}`,
      }
      if (target !== undefined) {
        figures[`${prefix}.gzip_vs_target`] = {
          value: ratio(sizes.gzip, target),
          unit: "x target",
          target: "<= 1",
        }
      }
    }
  }
  return { figures, details: { measured: true, report } }
}
