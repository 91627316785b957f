// What users install: packs every published package with pnpm (publishConfig applied), lints the
// tarballs (publint, attw, manifest rules), checks the JSR dry run, then installs the tarballs
// with plain npm into a fresh project outside the workspace and runs a tiny program in Node,
// Deno, Bun and headless Chromium against a sandbox started from the installed tarball's bin.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build } from "esbuild"
import { type Browser, chromium } from "playwright-core"
import { publint } from "publint"
import { formatMessage } from "publint/utils"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run, type Started, startProcess } from "../src/run.ts"
import { outOfDate } from "../src/sync-versions.ts"
import {
  exportTargets,
  importedSpecifiers,
  pack,
  packageNameOf,
  readTarballFile,
  type Tarball,
} from "../src/tarball.ts"
import { type Json, manifest, packageDir, published, repoRoot } from "../src/workspace.ts"

const packSmokeRoot = join(import.meta.dirname, "..")
const fixtures = join(packSmokeRoot, "fixtures")
const bin = (name: string) => join(packSmokeRoot, "node_modules", ".bin", name)
const repoBin = (name: string) => join(repoRoot, "node_modules", ".bin", name)
const expectedName = "Type 2 diabetes mellitus"
const fixedGroup = ["@omophub/core", "@omophub/node", "@omophub/deno", "@omophub/bun", "@omophub/browser"]
const sandboxKey = "oh_sandbox_key"
const builtins = new Set(["bun", "deno"])

let work = ""
let project = ""
const tarballs = new Map<string, Tarball>()
let installOutput = ""
let sandbox: Started | undefined

/** The tarball of `name`, packed in beforeAll. */
const tarball = (name: string): Tarball => {
  const found = tarballs.get(name)
  if (found === undefined) throw new Error(`${name} was not packed`)
  return found
}

/** The environment a runtime program gets: the sandbox's URL and key, nothing from this shell's OMOPHUB_*. */
const programEnv = (apiUrl: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, OMOPHUB_API_URL: apiUrl, OMOPHUB_API_KEY: sandboxKey }
  delete env.OMOPHUB_PROFILE
  delete env.OMOPHUB_CREDENTIALS_FILE
  delete env.NODE_OPTIONS
  return env
}

/**
 * This process's environment without what `pnpm run` adds (`npm_config_*`, `npm_package_*`,
 * `npm_lifecycle_*`...), so npm in the consumer project behaves as in a user's shell.
 */
const userShellEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("npm_")))

/** The last stdout line of a program, parsed (the programs print one JSON line). */
const lastJsonLine = (stdout: string): Json => {
  const lines = stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1] ?? "null") as Json
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "omophub-pack-smoke-"))
  const destination = join(work, "tarballs")
  mkdirSync(destination)
  // One at a time: each prepack runs tsc, and the machine is shared.
  for (const pkg of published) tarballs.set(pkg.name, await pack(pkg, destination))

  // A fresh project outside the workspace: plain npm, the npm registry for third-party packages.
  project = join(work, "project")
  mkdirSync(project)
  // Each tarball is a file: dependency, and `overrides` make every nested dependency on our
  // packages (e.g. @omophub/node -> @omophub/core) use that tarball, never the registry's copy.
  const dependencies: Record<string, string> = {}
  const overrides: Record<string, string> = {}
  for (const [name, entry] of tarballs) {
    dependencies[name] = `file:${entry.file}`
    overrides[name] = `$${name}`
  }
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "omophub-pack-smoke-consumer", private: true, type: "module", dependencies, overrides }, null, 2)}\n`,
  )
  const install = await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
    { cwd: project, env: userShellEnv() },
  )
  installOutput = `${install.stdout}\n${install.stderr}`
  if (install.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installOutput}`)
  for (const file of ["node.mjs", "deno.ts", "bun.ts", "browser.ts", "consumer.ts"]) {
    copyFileSync(join(fixtures, file), join(project, file))
  }
})

afterAll(async () => {
  await sandbox?.stop()
  if (work !== "" && process.env.PACK_SMOKE_KEEP === undefined) rmSync(work, { recursive: true, force: true })
})

describe("versions", () => {
  it("core + adapters share one version (changesets fixed group)", () => {
    const versions = new Set(fixedGroup.map((name) => tarball(name).manifest.version))
    expect([...versions]).toHaveLength(1)
  })

  it("version.ts and deno.json match package.json (pnpm --filter @omophub/pack-smoke sync-versions)", () => {
    expect(outOfDate()).toEqual([])
  })

  it("deno.json exports the same entry points as package.json (npm/JSR parity)", () => {
    const deno = JSON.parse(readFileSync(join(repoRoot, "packages/deno/deno.json"), "utf8")) as Json
    const npmExports = Object.keys(tarball("@omophub/deno").manifest.exports as Json).filter(
      (key) => key !== "./package.json",
    )
    const denoExports = typeof deno.exports === "string" ? ["."] : Object.keys(deno.exports as Json)
    expect(denoExports).toEqual(npmExports)
    expect(deno.name).toBe("@omophub/deno")
  })
})

describe.each(published.map((pkg) => pkg.name))("%s tarball", (name) => {
  it("has the publishing metadata", () => {
    const { manifest: published, files, pkg } = tarball(name)
    for (const file of ["package.json", "README.md", "LICENSE"]) expect(files).toContain(file)
    expect(readTarballFile(tarball(name).file, "LICENSE")).toBe(
      readFileSync(join(repoRoot, "LICENSE"), "utf8"),
    )
    expect(published.license).toBe("MIT")
    expect(published.type).toBe("module")
    expect(published.sideEffects).toBe(false)
    expect(published.files).toEqual(expect.arrayContaining(["dist"]))
    expect(Object.keys(published.engines as Json).length).toBeGreaterThan(0)
    expect((published.keywords as string[]).length).toBeGreaterThan(0)
    expect(published.repository).toMatchObject({ type: "git", directory: `packages/${pkg.dir}` })
    expect(typeof published.homepage).toBe("string")
    expect(published.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) })
    expect(published.private).toBeUndefined()
    expect(published.publishConfig).toMatchObject({ access: "public" })
  })

  it("points every entry at built files that are in the tarball", () => {
    const { manifest: published, files } = tarball(name)
    const targets = [
      ...exportTargets(published.exports),
      ...exportTargets(published.bin),
      published.main,
      published.types,
    ].filter((target): target is string => typeof target === "string")
    expect(targets.length).toBeGreaterThan(2)
    for (const target of targets) {
      expect(files, `${target} is in the tarball`).toContain(target.replace(/^\.\//, ""))
      if (target.endsWith(".json")) continue
      expect(target, "built output, not TypeScript sources").toMatch(/^\.\/dist\/.*\.(js|d\.ts)$/)
    }
    // Each JS entry point has its declarations beside it.
    for (const target of targets.filter((entry) => entry.endsWith(".js"))) {
      expect(files).toContain(target.replace(/^\.\//, "").replace(/\.js$/, ".d.ts"))
    }
  })

  it("names every module its built files import in dependencies, with real versions", () => {
    const { manifest: published, files, file } = tarball(name)
    const declared = {
      ...(published.dependencies as Record<string, string> | undefined),
      ...(published.optionalDependencies as Record<string, string> | undefined),
      ...(published.peerDependencies as Record<string, string> | undefined),
    }
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "devDependencies"]) {
      for (const range of Object.values((published[field] as Record<string, string>) ?? {})) {
        expect(range, `${field} after pnpm pack`).not.toMatch(/^workspace:/)
      }
    }
    const needed = new Set<string>()
    for (const path of files.filter((entry) => /^dist\/.*\.(js|d\.ts)$/.test(entry))) {
      for (const specifier of importedSpecifiers(readTarballFile(file, path))) {
        if (specifier.startsWith("node:") || builtins.has(specifier)) continue
        needed.add(packageNameOf(specifier))
      }
    }
    needed.delete(name)
    const missing = [...needed].filter((dependency) => declared[dependency] === undefined)
    expect(missing, "imported at runtime or in .d.ts but not in dependencies").toEqual([])
    // Internal dependencies name the exact version they were released with.
    for (const [dependency, range] of Object.entries(declared)) {
      if (tarballs.has(dependency)) expect(range).toBe(tarball(dependency).manifest.version)
    }
  })

  it("passes publint (strict, suggestions included)", async () => {
    const bytes = readFileSync(tarball(name).file)
    const result = await publint({
      pack: {
        tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      },
      strict: true,
      level: "suggestion",
    })
    const messages = result.messages.map(
      (message) => `${message.type}: ${formatMessage(message, result.pkg, { color: false }) ?? message.code}`,
    )
    expect(messages).toEqual([])
  })

  it("passes attw (esm-only profile: node10 and require() resolution are not supported targets)", async () => {
    const result = await run(
      bin("attw"),
      ["--profile", "esm-only", "--format", "ascii", tarball(name).file],
      {
        cwd: work,
        env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      },
    )
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
    // Every checked resolution of every entry point is green; only the profile's two are ignored.
    const verdicts = result.stdout
      .split("\n")
      .filter((line) => /^(node10|node16 \(from (ESM|CJS)\)|bundler):/.test(line))
    expect(verdicts.length).toBeGreaterThanOrEqual(4)
    const bad = verdicts.filter((line) => !line.includes("(ignored)") && !line.includes("🟢"))
    expect(bad, result.stdout).toEqual([])
  })
})

describe("the sandbox bin", () => {
  it("is built JS with a node shebang", () => {
    const { manifest: published, file } = tarball("@omophub/sandbox")
    const target = (published.bin as Record<string, string>)["omophub-sandbox"] as string
    expect(readTarballFile(file, target.replace(/^\.\//, "")).startsWith("#!/usr/bin/env node\n")).toBe(true)
  })

  it("starts with `npx @omophub/sandbox` from the installed tarball and prints its URL", async () => {
    sandbox = await startProcess("npx", ["--no", "--", "@omophub/sandbox", "--port", "0", "--quiet"], {
      cwd: project,
    })
    expect(sandbox.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    const response = await fetch(`${sandbox.firstLine}/concepts/201826`, {
      headers: { authorization: `Bearer ${sandboxKey}` },
    })
    expect(response.status).toBe(200)
    expect(JSON.stringify(await response.json())).toContain(expectedName)
  })
})

describe("installed from the tarballs", () => {
  const apiUrl = () => {
    if (sandbox === undefined) throw new Error("the sandbox bin did not start")
    return sandbox.firstLine
  }

  it("installed only the published files (no workspace links)", () => {
    for (const pkg of published) {
      const installed = join(project, "node_modules", ...pkg.name.split("/"))
      expect(existsSync(join(installed, "package.json")), pkg.name).toBe(true)
      expect(existsSync(join(installed, "test")), `${pkg.name} has no tests`).toBe(false)
      expect(existsSync(join(installed, "tsconfig.json")), `${pkg.name} has no tsconfig`).toBe(false)
    }
  })

  it("runs in Node (sandbox started through the package's start())", async () => {
    const result = await run("node", ["node.mjs"], { cwd: project, env: programEnv(apiUrl()) })
    expect(result.code, result.stderr).toBe(0)
    expect(lastJsonLine(result.stdout)).toEqual({
      name: expectedName,
      coreVersion: tarball("@omophub/core").manifest.version,
      serverLayer: "function",
    })
  })

  it("runs in Node 22, the oldest version the packages' engines allow", async () => {
    const node22 = join(repoRoot, ".toolchain", "node22", "node_modules", ".bin", "node")
    expect(existsSync(node22), `${node22}: run \`source scripts/toolchain.sh\` (npm test does)`).toBe(true)
    const result = await run(node22, ["node.mjs"], { cwd: project, env: programEnv(apiUrl()) })
    expect(result.code, result.stderr).toBe(0)
    expect(lastJsonLine(result.stdout)).toMatchObject({ name: expectedName })
  })

  it("type-checks a consumer against the published .d.ts (tsc, nodenext)", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: "ES2023",
            lib: ["ES2023", "DOM"],
            module: "nodenext",
            moduleResolution: "nodenext",
            strict: true,
            noEmit: true,
            types: [],
            skipLibCheck: true,
          },
          files: ["consumer.ts"],
        },
        null,
        2,
      )}\n`,
    )
    const result = await run(repoBin("tsc"), ["-p", "tsconfig.json"], { cwd: project })
    expect(result.code, result.stdout + result.stderr).toBe(0)
  })

  it("runs in Deno (package.json + node_modules project)", async () => {
    const url = new URL(apiUrl())
    const result = await run(
      repoBin("deno"),
      ["run", "--no-prompt", "--allow-env", `--allow-net=${url.host}`, "--allow-read=.", "deno.ts"],
      { cwd: project, env: { ...programEnv(apiUrl()), DENO_NO_UPDATE_CHECK: "1" } },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(lastJsonLine(result.stdout)).toEqual({ name: expectedName })
  })

  it("runs in Bun", async () => {
    const result = await run(repoBin("bun"), ["run", "bun.ts"], { cwd: project, env: programEnv(apiUrl()) })
    expect(result.code, result.stderr).toBe(0)
    expect(lastJsonLine(result.stdout)).toEqual({ name: expectedName })
  })

  describe("in headless Chromium (esbuild bundle of the installed @omophub/browser)", () => {
    let browser: Browser | undefined
    let server: Server | undefined

    afterAll(async () => {
      await browser?.close()
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
    })

    it("gets the concept", async () => {
      const bundle = await build({
        entryPoints: [join(project, "browser.ts")],
        absWorkingDir: project,
        bundle: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        write: false,
        logLevel: "silent",
      })
      const script = bundle.outputFiles[0]?.text ?? ""
      const settings = JSON.stringify({ apiUrl: apiUrl(), apiKey: sandboxKey })
      const page = `<!doctype html><meta charset="utf-8"><title>pack smoke</title><script>globalThis.smoke = ${settings}</script><script type="module" src="/smoke.js"></script>`
      server = await new Promise<Server>((resolve) => {
        const created = createServer((request, response) => {
          const [type, body] =
            request.url === "/" ? ["text/html; charset=utf-8", page] : ["text/javascript", script]
          response.writeHead(request.url === "/" || request.url === "/smoke.js" ? 200 : 404, {
            "content-type": type,
          })
          response.end(body)
        })
        created.listen(0, "127.0.0.1", () => resolve(created))
      })
      browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      })
      const tab = await browser.newPage()
      const errors: string[] = []
      tab.on("pageerror", (error) => errors.push(error.message))
      await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await tab.waitForSelector("#result", { timeout: 60_000 })
      const result = JSON.parse((await tab.textContent("#result")) ?? "null") as Json
      expect(errors).toEqual([])
      expect(result).toEqual({ name: expectedName })
    })
  })
})

describe("JSR", () => {
  it("deno publish --dry-run passes for @omophub/deno with no slow types", async () => {
    for (const pkg of published.filter((entry) => entry.jsr)) {
      expect(manifest(pkg).name).toBe(pkg.name)
      const result = await run(repoBin("deno"), ["publish", "--dry-run", "--allow-dirty"], {
        cwd: packageDir(pkg),
        env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      })
      const output = `${result.stdout}\n${result.stderr}`
      expect(result.code, output).toBe(0)
      expect(output).toContain("Dry run complete")
      const complaints = output
        .split("\n")
        .filter((line) => !line.startsWith("Checking for slow types"))
        .filter((line) => /slow type|warning|error|--allow-slow-types/i.test(line))
      expect(complaints).toEqual([])
    }
  })
})
