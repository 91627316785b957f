/**
 * The packages this repository publishes, and where things are.
 *
 * @module
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"

/** The repository root (this file is packages/pack-smoke/src/workspace.ts). */
export const repoRoot: string = join(import.meta.dirname, "..", "..", "..")

export interface PublishedPackage {
  /** npm name */
  readonly name: string
  /** folder under packages/ */
  readonly dir: string
  /** also published to JSR (`deno publish` from this folder) */
  readonly jsr: boolean
}

/** Every package that goes to npm; the others in the workspace are private. */
export const published: ReadonlyArray<PublishedPackage> = [
  { name: "@omophub/core", dir: "core", jsr: false },
  { name: "@omophub/node", dir: "node", jsr: false },
  { name: "@omophub/deno", dir: "deno", jsr: true },
  { name: "@omophub/bun", dir: "bun", jsr: false },
  { name: "@omophub/browser", dir: "browser", jsr: false },
  { name: "@omophub/sandbox", dir: "sandbox", jsr: false },
]

export const packageDir = (pkg: PublishedPackage): string => join(repoRoot, "packages", pkg.dir)

export type Json = { readonly [key: string]: unknown }

export const readJson = (file: string): Json => JSON.parse(readFileSync(file, "utf8")) as Json

export const manifest = (pkg: PublishedPackage): Json => readJson(join(packageDir(pkg), "package.json"))
