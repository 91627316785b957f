/**
 * Packing the published packages with pnpm (which applies `publishConfig` and turns `workspace:*`
 * into versions) and reading the tarballs back.
 *
 * @module
 */
import { execFileSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { run } from "./run.ts"
import { type Json, type PublishedPackage, packageDir } from "./workspace.ts"

export interface Tarball {
  readonly pkg: PublishedPackage
  readonly file: string
  /** paths inside the tarball, without the leading `package/` */
  readonly files: ReadonlyArray<string>
  /** the package.json as published */
  readonly manifest: Json
}

/** `pnpm pack` (its prepack script rebuilds dist/ from scratch) into `destination`. */
export const pack = async (pkg: PublishedPackage, destination: string): Promise<Tarball> => {
  const before = new Set(readdirSync(destination))
  const result = await run("pnpm", ["pack", "--pack-destination", destination], { cwd: packageDir(pkg) })
  if (result.code !== 0) throw new Error(`pnpm pack ${pkg.name} failed:\n${result.stdout}\n${result.stderr}`)
  const created = readdirSync(destination).filter((name) => name.endsWith(".tgz") && !before.has(name))
  if (created.length !== 1) throw new Error(`pnpm pack ${pkg.name} made ${created.length} tarballs`)
  const file = join(destination, created[0] as string)
  return {
    pkg,
    file,
    files: listTarball(file),
    manifest: JSON.parse(readTarballFile(file, "package.json")) as Json,
  }
}

export const listTarball = (file: string): ReadonlyArray<string> =>
  execFileSync("tar", ["-tzf", file], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line !== "" && !line.endsWith("/"))
    .map((line) => line.replace(/^package\//, ""))

export const readTarballFile = (file: string, path: string): string =>
  execFileSync("tar", ["-xzOf", file, `package/${path}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })

/** Every string in an `exports` value (conditions and subpaths flattened). */
export const exportTargets = (value: unknown): ReadonlyArray<string> => {
  if (typeof value === "string") return [value]
  if (value === null || typeof value !== "object") return []
  return Object.values(value).flatMap(exportTargets)
}

/** The bare module specifiers a JS or .d.ts file imports (static, dynamic and re-exports). */
export const importedSpecifiers = (source: string): ReadonlyArray<string> => {
  const found = new Set<string>()
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire(?:\.resolve)?\s*\(\s*["']([^"']+)["']\s*\)/g,
  ]
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1] as string
      if (!specifier.startsWith(".") && !specifier.startsWith("/")) found.add(specifier)
    }
  }
  return [...found]
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export const packageNameOf = (specifier: string): string => {
  const parts = specifier.split("/")
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
}
