/**
 * `node src/sync-versions.ts [--check]`: after `changeset version` has bumped the package.json
 * versions, copies them to the places changesets does not know about:
 *
 * - packages/core/src/version.ts (the version the client sends in its User-Agent);
 * - packages/deno/deno.json: `version` (JSR) and the `npm:@omophub/core@X` import, which must name
 *   the core version released with it.
 *
 * With `--check` it changes nothing and exits 1 when something is out of date (the pack-smoke
 * test runs the same check).
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "./workspace.ts"

export interface VersionFile {
  readonly file: string
  readonly current: string
  readonly expected: string
}

const reader = (root: string) => (path: string) => readFileSync(join(root, path), "utf8")

const coreVersionFile = "packages/core/src/version.ts"
const denoConfigFile = "packages/deno/deno.json"

/** The files whose text should change, with their current and expected text. */
export const versionFiles = (root: string = repoRoot): ReadonlyArray<VersionFile> => {
  const read = reader(root)
  const versionOf = (dir: string) =>
    (JSON.parse(read(`packages/${dir}/package.json`)) as { version: string }).version
  const coreVersion = versionOf("core")
  const denoVersion = versionOf("deno")
  const versionTs = read(coreVersionFile)
  const expectedVersionTs = versionTs.replace(
    /export const version = "[^"]*"/,
    `export const version = "${coreVersion}"`,
  )
  const denoJson = read(denoConfigFile)
  // Targeted replacements keep the file's formatting (Biome checks it).
  const expectedDenoJson = denoJson
    .replace(/"version": "[^"]*"/, `"version": "${denoVersion}"`)
    .replace(/"npm:@omophub\/core@[^"]*"/, `"npm:@omophub/core@${coreVersion}"`)
  return [
    { file: coreVersionFile, current: versionTs, expected: expectedVersionTs },
    { file: denoConfigFile, current: denoJson, expected: expectedDenoJson },
  ]
}

/** What `--check` reports: the files whose version does not match package.json. */
export const outOfDate = (root: string = repoRoot): ReadonlyArray<string> =>
  versionFiles(root)
    .filter((entry) => entry.current !== entry.expected)
    .map((entry) => entry.file)

/** Writes the expected text of every out-of-date file under `root`; returns their paths. */
export const syncVersions = (root: string = repoRoot): ReadonlyArray<string> => {
  const stale = versionFiles(root).filter((entry) => entry.current !== entry.expected)
  for (const entry of stale) writeFileSync(join(root, entry.file), entry.expected)
  return stale.map((entry) => entry.file)
}

if (import.meta.main) {
  const check = process.argv.includes("--check")
  const stale = outOfDate()
  if (check) {
    if (stale.length > 0) {
      console.error(`out of date (run pnpm --filter @omophub/pack-smoke sync-versions): ${stale.join(", ")}`)
      process.exit(1)
    }
    console.log("versions in sync")
  } else {
    const updated = syncVersions()
    for (const file of updated) console.log(`updated ${file}`)
    if (updated.length === 0) console.log("versions already in sync")
  }
}
