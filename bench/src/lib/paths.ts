/** Where things are, resolved from this file: the repository root, the shared data, the runtimes. */
import { existsSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const repoRoot = path.resolve(benchDir, "..")
/** The Synthea subset of the real vocabulary, next to the checkout (never copied into it). */
export const syntheaDir = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
export const resultsDir = path.join(benchDir, "results")
export const childDir = path.join(benchDir, "src", "child")
/** The sandbox CLI, found through the package so the bench follows the workspace link. */
export const sandboxCli = path.resolve(
  path.dirname(fileURLToPath(import.meta.resolve("@omophub/sandbox"))),
  "cli.ts",
)
/** Another engineer's bundle-size measurement; imported when present. */
export const bundleSizeModule = path.join(repoRoot, "packages", "browser", "bench", "bundle-size.ts")

export type RuntimeName = "node" | "deno" | "bun"
export const runtimes: ReadonlyArray<RuntimeName> = ["node", "deno", "bun"]

const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name)

/** The command line that runs `script` under `runtime` (Deno with every permission, from bench/). */
export const runtimeCommand = (runtime: RuntimeName, script: string): [string, ...string[]] => {
  switch (runtime) {
    case "node":
      return [process.execPath, script]
    case "deno":
      return [bin("deno"), "run", "-A", "--quiet", `--config=${path.join(benchDir, "deno.json")}`, script]
    case "bun":
      return [bin("bun"), script]
  }
}

export const runtimeAvailable = (runtime: RuntimeName): boolean =>
  runtime === "node" || existsSync(bin(runtime))
