// `changeset version` on a scratch copy of the workspace's manifests (never on the repository):
// the fixed group moves together, the sandbox on its own, private packages stay put, CHANGELOGs
// are written, and sync-versions then carries the versions into version.ts and deno.json.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run } from "../src/run.ts"
import { outOfDate, syncVersions } from "../src/sync-versions.ts"
import { published, repoRoot } from "../src/workspace.ts"

const fixedGroup = ["core", "node", "deno", "bun", "browser"]
let scratch = ""
let output = ""
const before = new Map<string, string>()

const versionIn = (root: string, folder: string) =>
  (JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8")) as { version: string }).version

/** Every workspace folder with a package.json (the globs of pnpm-workspace.yaml). */
const workspaceFolders = (): ReadonlyArray<string> => {
  const folders = ["bench", "docs"]
  for (const group of ["packages", "examples"]) {
    for (const name of readdirSync(join(repoRoot, group))) folders.push(`${group}/${name}`)
  }
  return folders.filter((folder) => existsSync(join(repoRoot, folder, "package.json")))
}

const semverGreater = (a: string, b: string) => {
  const parse = (version: string) => version.split("-")[0]?.split(".").map(Number) ?? []
  const [x, y] = [parse(a), parse(b)]
  for (let index = 0; index < 3; index++) {
    if ((x[index] ?? 0) !== (y[index] ?? 0)) return (x[index] ?? 0) > (y[index] ?? 0)
  }
  return false
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "omophub-changesets-"))
  const copy = (path: string) => {
    mkdirSync(dirname(join(scratch, path)), { recursive: true })
    cpSync(join(repoRoot, path), join(scratch, path), { recursive: true })
  }
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset"]) copy(file)
  for (const folder of workspaceFolders()) {
    copy(`${folder}/package.json`)
    before.set(folder, versionIn(repoRoot, folder))
  }
  copy("packages/core/src/version.ts")
  copy("packages/deno/deno.json")
  // The changelog generator is resolved from the scratch root.
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir")
  // Whatever is pending in the repository, release at least a patch of both version lines.
  writeFileSync(
    join(scratch, ".changeset", "pack-smoke-scratch.md"),
    '---\n"@omophub/core": patch\n"@omophub/sandbox": patch\n---\n\nScratch release made by the pack-smoke test.\n',
  )
  const result = await run(join(repoRoot, "node_modules", ".bin", "changeset"), ["version"], { cwd: scratch })
  output = `${result.stdout}\n${result.stderr}`
  if (result.code !== 0) throw new Error(`changeset version failed:\n${output}`)
})

afterAll(() => {
  if (scratch !== "") rmSync(scratch, { recursive: true, force: true })
})

describe("changeset version (scratch copy)", () => {
  it("bumps the core and the four adapters to one new version", () => {
    const versions = new Set(fixedGroup.map((dir) => versionIn(scratch, `packages/${dir}`)))
    expect([...versions], output).toHaveLength(1)
    const [version] = versions
    expect(semverGreater(version as string, before.get("packages/core") as string)).toBe(true)
  })

  it("bumps the sandbox on its own version line", () => {
    expect(
      semverGreater(versionIn(scratch, "packages/sandbox"), before.get("packages/sandbox") as string),
    ).toBe(true)
  })

  it("leaves private packages alone", () => {
    for (const [folder, version] of before) {
      const manifest = JSON.parse(readFileSync(join(scratch, folder, "package.json"), "utf8")) as {
        private?: boolean
      }
      if (manifest.private === true) expect(versionIn(scratch, folder), folder).toBe(version)
    }
  })

  it("writes a CHANGELOG.md with the new version for every published package", () => {
    for (const pkg of published) {
      const changelog = readFileSync(join(scratch, "packages", pkg.dir, "CHANGELOG.md"), "utf8")
      expect(changelog).toContain(`# ${pkg.name}`)
      expect(changelog).toContain(`## ${versionIn(scratch, `packages/${pkg.dir}`)}`)
    }
  })

  it("consumes the changesets", () => {
    expect(
      readdirSync(join(scratch, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md"),
    ).toEqual([])
  })

  it("sync-versions then updates version.ts and deno.json", () => {
    expect(outOfDate(scratch)).toEqual(["packages/core/src/version.ts", "packages/deno/deno.json"])
    syncVersions(scratch)
    expect(outOfDate(scratch)).toEqual([])
    const version = versionIn(scratch, "packages/core")
    expect(readFileSync(join(scratch, "packages/core/src/version.ts"), "utf8")).toContain(`"${version}"`)
    const deno = JSON.parse(readFileSync(join(scratch, "packages/deno/deno.json"), "utf8")) as {
      version: string
      imports: Record<string, string>
    }
    expect(deno.version).toBe(version)
    expect(deno.imports["@omophub/core"]).toBe(`npm:@omophub/core@${version}`)
  })
})
