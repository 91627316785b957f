// Builds the browser adapter the way an app bundler would (esbuild, browser platform, minified)
// and checks that no file-system, keychain or server-runtime code got in; reports the gzipped size.
import { mkdirSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"
import { describe, expect, it } from "vitest"

const packageRoot = resolve(import.meta.dirname, "..")
const packagesRoot = resolve(packageRoot, "..")

const bundle = async (contents: string) => {
  const result = await build({
    stdin: { contents, resolveDir: packageRoot, loader: "ts", sourcefile: "app.ts" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  })
  const code = result.outputFiles[0]?.text ?? ""
  const inputs = Object.keys(result.metafile.inputs).map((input) =>
    relative(packagesRoot, resolve(packageRoot, input)),
  )
  return { code, inputs, gzipped: gzipSync(code).length }
}

// Markers of code that must never reach a browser: server-runtime APIs, the native keyring, the
// keychain tools and the adapters' file-system and keychain layers.
// (Effect itself probes `globalThis.process?.getBuiltinModule?.("node:async_hooks")` at run time,
// so `node:` counts only as a module import.)
const forbidden: ReadonlyArray<RegExp> = [
  /\bfrom\s*["']node:|\bimport\s*\(?\s*["']node:|\brequire\(\s*["']node:/,
  /@napi-rs\/keyring/,
  /secret-tool/,
  /find-generic-password/,
  /FileSystemLive|KeychainLive|NodeFileSystem|DenoKeychain/,
  /child_process|readTextFile|writeTextFile/,
  /(?<![.\w?])process\.env|(?<![.\w?])Deno\.|(?<![.\w?])Bun\./,
]

const offending = (code: string) => forbidden.filter((pattern) => pattern.test(code)).map(String)

describe("browser bundle", () => {
  it("holds the whole entry without file-system or keychain code", async () => {
    const { code, inputs, gzipped } = await bundle(`export * from "@omophub/browser"`)
    expect(code.length).toBeGreaterThan(10_000)
    expect(code).toContain("createClient")
    expect(offending(code)).toEqual([])
    for (const input of inputs.filter((name) => name !== "browser/app.ts")) {
      expect(input, input).toMatch(
        /^(browser\/src|core\/src)\/|node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(effect|ky)\//,
      )
    }
    expect(inputs.some((input) => input.startsWith("browser/src/Client.ts"))).toBe(true)
    // A budget that catches an accidental heavy dependency (e.g. effect's root barrel) early.
    expect(gzipped).toBeLessThan(150_000)
    const typical = await bundle(
      `import { createClient, fromCallback } from "@omophub/browser"\nexport const client = createClient({ credentials: fromCallback(() => null) })`,
    )
    expect(offending(typical.code)).toEqual([])
    const report = { entryBytes: code.length, entryGzipBytes: gzipped, typicalAppGzipBytes: typical.gzipped }
    mkdirSync(join(packageRoot, "test-results"), { recursive: true })
    writeFileSync(
      join(packageRoot, "test-results", "bundle-size.json"),
      `${JSON.stringify(report, null, 2)}\n`,
    )
    console.log(`browser bundle: ${JSON.stringify(report)}`)
  }, 60_000)
})
