// Complements bundle.test.ts: follows every import reachable from the browser entry (this
// package and the core sources it pulls in) and checks none reaches Node built-ins, native modules,
// another runtime's adapter, or the file-system and keychain implementations.
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import { Env } from "../src/CoreContracts.ts"
import * as Browser from "../src/index.ts"

const entry = resolve(import.meta.dirname, "../src/index.ts")
const packagesRoot = resolve(import.meta.dirname, "../..")
const coreEntry = join(packagesRoot, "core/src/index.ts")

const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1")

const specifiers = (source: string) =>
  [...withoutComments(source).matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g)].map(
    (match) => match[1] ?? match[2] ?? "",
  )

/** Every source file reachable from `start`, and every bare specifier they import. */
const walk = (start: string) => {
  const files = new Set<string>()
  const bare = new Set<string>()
  const pending = [start]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (files.has(file)) continue
    files.add(file)
    for (const specifier of specifiers(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier))
      else if (specifier === "@omophub/core") pending.push(coreEntry)
      else bare.add(specifier)
    }
  }
  return { files: [...files].map((file) => relative(packagesRoot, file)), bare: [...bare] }
}

describe("browser entry", () => {
  const graph = walk(entry)

  it("reaches only the browser adapter, core sources and effect", () => {
    expect(graph.files.length).toBeGreaterThan(3)
    for (const file of graph.files) expect(file).toMatch(/^(browser|core)\/src\//)
    expect(graph.files.every((file) => existsSync(join(packagesRoot, file)))).toBe(true)
    for (const specifier of graph.bare) expect(specifier).toMatch(/^(effect\/|ky$)/)
  })

  it("never reaches the file-system or keychain implementations or runtime globals", () => {
    for (const file of graph.files) {
      const source = withoutComments(readFileSync(join(packagesRoot, file), "utf8"))
      expect(source, file).not.toMatch(/from\s+["']node:|@napi-rs\/keyring|\bDeno\.|\bBun\./)
      if (file.startsWith("browser/"))
        expect(source, file).not.toMatch(/\bprocess\.|FileSystemLive|KeychainLive/)
    }
  })

  it("exports the shared names that apply in a browser", async () => {
    const names = Object.keys(Browser)
    for (const name of ["EnvLive", "RuntimeLive", "envFromRecord", "OMOPHub", "createClient", "layer"]) {
      expect(names).toContain(name)
    }
    for (const name of ["FileSystemLive", "KeychainLive", "storeApiKey"]) expect(names).not.toContain(name)
    const read = (layer: typeof Browser.EnvLive) =>
      Effect.runPromise(Env.use((env) => env.get("OMOPHUB_API_KEY")).pipe(Effect.provide(layer)))
    expect(await read(Browser.RuntimeLive)).toEqual(Option.none())
    expect(await read(Browser.envFromRecord({ OMOPHUB_API_KEY: "explicit" }))).toEqual(
      Option.some("explicit"),
    )
  })
})
