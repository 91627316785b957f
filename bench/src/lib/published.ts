/**
 * What users install, laid out in a temporary project: each SDK package's `src/` compiled with its
 * own `tsconfig.build.json` (what `pnpm build` / `prepack` run, here with `--noCheck`: the same
 * JavaScript without the type check, and no declarations or source maps, which nothing loads at
 * run time) into `node_modules/@omophub/<name>/dist`, next to a `package.json` whose `exports`
 * are the package's `publishConfig.exports` (what `pnpm pack` publishes). Third-party
 * dependencies (effect, ky, the optional @napi-rs/keyring) are links to the workspace's installed
 * copies. The packages' own `dist/` folders are not touched.
 *
 * This stands in for `pnpm pack` + `npm install` (which `packages/pack-smoke` does, through the
 * registry): the same files at the same relative places, without the network.
 */
import { execFileSync } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { childDir, repoRoot } from "./paths.ts"

export interface PublishedProject {
  /** The temporary project; the start-up child scripts are copied into it. */
  readonly dir: string
  /** The Node adapter bundled into one file (absent when esbuild is not installed). */
  readonly nodeBundle: string | undefined
  readonly remove: () => void
}

const sdkPackages = ["core", "node", "deno", "bun"] as const
const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc")

/** The folder of dependency `name` of the workspace package in `from` (pnpm links it there). */
const installedDir = (from: string, name: string): string | undefined => {
  const link = path.join(from, "node_modules", ...name.split("/"))
  return existsSync(link) ? realpathSync(link) : undefined
}

export const preparePublished = (scripts: ReadonlyArray<string>): PublishedProject => {
  const dir = mkdtempSync(path.join(tmpdir(), "omophub-bench-published-"))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    const modules = path.join(dir, "node_modules")
    const thirdParty = new Map<string, string>()
    for (const name of sdkPackages) {
      const source = path.join(repoRoot, "packages", name)
      const target = path.join(modules, "@omophub", name)
      execFileSync(
        tsc,
        [
          "-p",
          path.join(source, "tsconfig.build.json"),
          "--outDir",
          path.join(target, "dist"),
          "--noCheck",
          "--declaration",
          "false",
          "--declarationMap",
          "false",
          "--sourceMap",
          "false",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      )
      const manifest = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8")) as {
        readonly name: string
        readonly version: string
        readonly publishConfig?: { readonly exports?: unknown }
        readonly dependencies?: Record<string, string>
        readonly optionalDependencies?: Record<string, string>
      }
      const published = {
        name: manifest.name,
        version: manifest.version,
        type: "module",
        sideEffects: false,
        exports: manifest.publishConfig?.exports,
        dependencies: manifest.dependencies,
      }
      writeFileSync(path.join(target, "package.json"), `${JSON.stringify(published, null, 2)}\n`)
      for (const dependency of [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]) {
        if (dependency.startsWith("@omophub/") || thirdParty.has(dependency)) continue
        const found = installedDir(source, dependency)
        if (found !== undefined) thirdParty.set(dependency, found)
      }
    }
    for (const [name, found] of thirdParty) {
      const link = path.join(modules, ...name.split("/"))
      mkdirSync(path.dirname(link), { recursive: true })
      symlinkSync(found, link, "dir")
    }
    writeFileSync(
      path.join(dir, "package.json"),
      `${JSON.stringify(
        {
          name: "omophub-bench-published",
          private: true,
          type: "module",
          dependencies: Object.fromEntries(sdkPackages.map((name) => [`@omophub/${name}`, "*"])),
        },
        null,
        2,
      )}\n`,
    )
    for (const script of scripts) copyFileSync(path.join(childDir, script), path.join(dir, script))
    // The Node adapter and everything it imports in one ES module (esbuild, not minified): what
    // start-up would cost with one module to load instead of a few hundred.
    let nodeBundle: string | undefined
    const esbuild = path.join(repoRoot, "node_modules", ".bin", "esbuild")
    if (existsSync(esbuild)) {
      nodeBundle = path.join(dir, "omophub-node.bundle.mjs")
      execFileSync(
        esbuild,
        [
          path.join(modules, "@omophub", "node", "dist", "index.js"),
          "--bundle",
          "--platform=node",
          "--format=esm",
          "--external:@napi-rs/keyring",
          "--log-level=warning",
          `--outfile=${nodeBundle}`,
        ],
        { stdio: ["ignore", "pipe", "pipe"], cwd: dir },
      )
    }
    return { dir, nodeBundle, remove }
  } catch (error) {
    remove()
    throw error
  }
}
