/**
 * Bundle size of a typical browser app using the SDK, the way an app's build would produce it.
 *
 * Bundles `fixture/app.ts` (`createClient` + `fromCallback` + `concepts.get` + `search.basic` from
 * `@omophub/browser`) and `fixture/core-app.ts` (the same app over `@omophub/core` alone) with
 * esbuild (bundle, minify, browser platform, ESM) and with Vite (its `build()` API, library entry,
 * full oxc minification as for an app), then measures the output: minified bytes, gzip (level 9) and
 * brotli (quality 11) via `node:zlib`. The esbuild metafile of the app says what the bytes are.
 *
 * Use it two ways:
 * - `node packages/browser/bench/bundle-size.ts` prints the table (add `--json` for the report);
 * - `import { measureBundles } from ".../bundle-size.ts"` returns a {@link BundleReport}.
 *
 * The report's shape is a stable interface (the repository's `pnpm bench` table reads it):
 * - `app.esbuild`, `app.vite`, `core.esbuild`, `core.vite`: {@link Sizes} in bytes;
 * - `packages`: minified bytes of the app bundle per package (`effect`, `ky`, `@omophub/core`,
 *   `@omophub/browser`, `app`), largest first (esbuild metafile, before compression);
 * - `contributors`: the largest single contributors of the app bundle, largest first: effect
 *   modules (`effect/Schema`, `effect/internal/schema`, ... : files of one module grouped), `ky`
 *   (one entry) and our own source files (`@omophub/core/src/client/PromiseClient.ts`, ...);
 * - `gzipShares`: estimated gzipped bytes of the app bundle due to `effect`, `ky` and our own code;
 * - `targetGzipBytes`: the budget for `app.esbuild.gzip` (35 000 bytes).
 *
 * @module
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative, resolve, sep } from "node:path"
import { brotliCompressSync, constants, gzipSync } from "node:zlib"
import { build as esbuild, type Metafile } from "esbuild"

/** Sizes of one bundle, in bytes. */
export interface Sizes {
  /** Minified, uncompressed. */
  readonly min: number
  /** gzip, level 9. */
  readonly gzip: number
  /** brotli, quality 11. */
  readonly brotli: number
}

/** One bundle measured with both bundlers. */
export interface BundlerSizes {
  readonly esbuild: Sizes
  readonly vite: Sizes
}

/** Minified bytes that one package or module contributes to the app bundle (esbuild metafile). */
export interface Contributor {
  readonly name: string
  readonly bytes: number
}

/** What {@link measureBundles} returns. */
export interface BundleReport {
  /** The app over `@omophub/browser` (fixture/app.ts). */
  readonly app: BundlerSizes
  /** The same app over `@omophub/core` alone (fixture/core-app.ts). */
  readonly core: BundlerSizes
  /** The app bundle's minified bytes per package, largest first. */
  readonly packages: ReadonlyArray<Contributor>
  /** The app bundle's largest contributors (effect modules, ky, our source files), largest first. */
  readonly contributors: ReadonlyArray<Contributor>
  /**
   * Gzipped bytes of the esbuild app bundle attributable to `effect`, to `ky` (each: the bundle's gzip
   * size minus that of the same bundle with the package left external) and to our own code (the
   * bundle with both left external). Gzip is not additive, so these are estimates.
   */
  readonly gzipShares: ReadonlyArray<Contributor>
  /** The budget for `app.esbuild.gzip`, in bytes. */
  readonly targetGzipBytes: number
}

/** The budget of the typical app, gzipped (35 kB). */
export const targetGzipBytes = 35_000

const packageRoot = resolve(import.meta.dirname, "..")
const packagesRoot = resolve(packageRoot, "..")
const fixtures = {
  app: join(import.meta.dirname, "fixture", "app.ts"),
  core: join(import.meta.dirname, "fixture", "core-app.ts"),
}

const sizesOf = (code: Uint8Array | string): Sizes => {
  const bytes = typeof code === "string" ? Buffer.from(code) : Buffer.from(code)
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  }
}

/** esbuild as an app build uses it: one minified ESM file for browsers. */
const withEsbuild = async (
  entry: string,
  external: Array<string> = [],
): Promise<{ readonly sizes: Sizes; readonly metafile: Metafile }> => {
  const result = await esbuild({
    entryPoints: [entry],
    external,
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: packageRoot,
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`esbuild produced no output for ${entry}`)
  return { sizes: sizesOf(output.contents), metafile: result.metafile }
}

/** Vite's `build()` with a library entry, minified like an app (whitespace too), into a temp dir. */
const withVite = async (entry: string): Promise<Sizes> => {
  const { build } = await import("vite")
  const outDir = await mkdtemp(join(tmpdir(), "omophub-bundle-"))
  try {
    await build({
      configFile: false,
      root: packageRoot,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      build: {
        outDir,
        emptyOutDir: true,
        write: true,
        target: "es2022",
        minify: "oxc",
        reportCompressedSize: false,
        lib: { entry, formats: ["es"], fileName: "app" },
        // Library mode keeps whitespace and comments in ESM output; an app build strips them.
        rolldownOptions: { output: { minify: true, comments: false } },
      },
    })
    const files = (await readdir(outDir)).filter((file) => file.endsWith(".js"))
    const chunks = await Promise.all(files.map((file) => readFile(join(outDir, file))))
    return sizesOf(Buffer.concat(chunks))
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}

/** The package and the module (contributor name) of one metafile input path. */
const classify = (input: string): { readonly pkg: string; readonly module: string } => {
  const path = relative(packagesRoot, resolve(packageRoot, input)).split(sep).join("/")
  const effect = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?effect\/dist\/(.+)\.js$/.exec(path)
  if (effect !== null) {
    const [first, second] = (effect[1] ?? "").split("/")
    // Internal modules grouped by their folder (`internal/schema/...`) or file (`internal/effect`).
    const module = first === "internal" && second !== undefined ? `internal/${second}` : first
    return { pkg: "effect", module: `effect/${module}` }
  }
  if (/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?ky\//.test(path)) return { pkg: "ky", module: "ky" }
  const own = /^(core|browser)\/(src\/.+)$/.exec(path)
  if (own !== null) return { pkg: `@omophub/${own[1]}`, module: `@omophub/${own[1]}/${own[2]}` }
  if (path.startsWith("browser/bench/")) return { pkg: "app", module: "app" }
  return { pkg: path, module: path }
}

const sortedTotals = (totals: Map<string, number>): ReadonlyArray<Contributor> =>
  [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes)

const analyse = (metafile: Metafile) => {
  const output = Object.values(metafile.outputs)[0]
  const packages = new Map<string, number>()
  const modules = new Map<string, number>()
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    if (bytesInOutput === 0) continue
    const { pkg, module } = classify(input)
    packages.set(pkg, (packages.get(pkg) ?? 0) + bytesInOutput)
    modules.set(module, (modules.get(module) ?? 0) + bytesInOutput)
  }
  return { packages: sortedTotals(packages), contributors: sortedTotals(modules) }
}

/** Bundles and measures the app and core fixtures with esbuild and Vite (sequentially; a few seconds). */
export const measureBundles = async (): Promise<BundleReport> => {
  const app = await withEsbuild(fixtures.app)
  const appVite = await withVite(fixtures.app)
  const core = await withEsbuild(fixtures.core)
  const coreVite = await withVite(fixtures.core)
  const { packages, contributors } = analyse(app.metafile)
  const withoutEffect = await withEsbuild(fixtures.app, ["effect", "effect/*"])
  const withoutKy = await withEsbuild(fixtures.app, ["ky"])
  const ownOnly = await withEsbuild(fixtures.app, ["effect", "effect/*", "ky"])
  const gzipShares = [
    { name: "effect", bytes: app.sizes.gzip - withoutEffect.sizes.gzip },
    { name: "ky", bytes: app.sizes.gzip - withoutKy.sizes.gzip },
    { name: "@omophub/core + @omophub/browser + app", bytes: ownOnly.sizes.gzip },
  ].sort((a, b) => b.bytes - a.bytes)
  return {
    app: { esbuild: app.sizes, vite: appVite },
    core: { esbuild: core.sizes, vite: coreVite },
    packages,
    contributors,
    gzipShares,
    targetGzipBytes,
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

/** The report as a plain-text table (kB = 1000 bytes). */
export const formatReport = (report: BundleReport, top = 25): string => {
  const row = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")
  const widths = [32, 10, 10, 10]
  const lines = [row(["bundle", "min", "gzip", "brotli"], widths)]
  for (const [name, sizes] of [
    ["app (@omophub/browser) esbuild", report.app.esbuild],
    ["app (@omophub/browser) vite", report.app.vite],
    ["core alone, esbuild", report.core.esbuild],
    ["core alone, vite", report.core.vite],
  ] as const) {
    lines.push(row([name, kB(sizes.min), kB(sizes.gzip), kB(sizes.brotli)], widths))
  }
  const verdict = report.app.esbuild.gzip <= report.targetGzipBytes ? "within" : "over"
  lines.push(`target: app gzip <= ${kB(report.targetGzipBytes)} (esbuild): ${verdict}`)
  lines.push("", "app bundle gzip, estimated share (gzip bytes)")
  for (const { name, bytes } of report.gzipShares) lines.push(row([name, kB(bytes)], [46, 10]))
  lines.push("", "app bundle by package (minified bytes, esbuild metafile)")
  for (const { name, bytes } of report.packages) lines.push(row([name, kB(bytes)], [46, 10]))
  lines.push("", `top ${top} contributors (minified bytes)`)
  for (const { name, bytes } of report.contributors.slice(0, top))
    lines.push(row([name, kB(bytes)], [46, 10]))
  return lines.join("\n")
}

if (import.meta.main) {
  const report = await measureBundles()
  console.log(process.argv.includes("--json") ? JSON.stringify(report, null, 2) : formatReport(report))
}
