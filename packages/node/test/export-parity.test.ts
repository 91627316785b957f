// The adapters export identical names, so switching runtime is a change of import path only. Also
// proves the Deno and Bun entries load without their runtime globals (nothing is read at import).
import { describe, expect, it } from "vitest"

/** What only runtimes with files and a keychain have. */
const serverOnly = [
  "FileSystemLive",
  "KeychainLive",
  "keychainLayer",
  "makeFileSystem",
  "makeKeychain",
  "storeApiKey",
  "storeApiKeyEffect",
]

describe("adapter exports", () => {
  it("are the same in Node, Deno and Bun, and the same minus files and keychain in the browser", async () => {
    const [node, deno, bun, browser, core] = await Promise.all([
      import("../src/index.ts"),
      import("../../deno/src/index.ts"),
      import("../../bun/src/index.ts"),
      import("../../browser/src/index.ts"),
      import("@omophub/core"),
    ])
    const names = (module: object) => Object.keys(module).sort()
    for (const name of [
      "OMOPHub",
      "createClient",
      "layer",
      "EnvLive",
      "RuntimeLive",
      "envFromRecord",
      ...serverOnly,
    ]) {
      expect(names(node)).toContain(name)
    }
    // Everything the core exports (errors, providers, types' runtime parts) comes along.
    for (const name of names(core)) expect(names(node)).toContain(name)
    expect(names(deno)).toEqual(names(node))
    expect(names(bun)).toEqual(names(node))
    expect(names(browser)).toEqual(names(node).filter((name) => !serverOnly.includes(name)))
    // The adapters' own client, not the core's (which has no default chain).
    for (const adapter of [node, deno, bun, browser]) expect(adapter.OMOPHub).not.toBe(core.OMOPHub)
    expect(new Set([node.OMOPHub, deno.OMOPHub, bun.OMOPHub, browser.OMOPHub]).size).toBe(4)
  })
})
