// The adapters export identical names, so switching runtime is a change of import path only. Also
// proves the Deno and Bun entries load without their runtime globals (nothing is read at import).
import { describe, expect, it } from "vitest"

describe("adapter exports", () => {
  it("are the same in Node, Deno and Bun, and a subset in the browser", async () => {
    const [node, deno, bun, browser] = await Promise.all([
      import("../src/index.ts"),
      import("../../deno/src/index.ts"),
      import("../../bun/src/index.ts"),
      import("../../browser/src/index.ts"),
    ])
    const names = (module: object) => Object.keys(module).sort()
    expect(names(node)).toEqual([
      "EnvLive",
      "FileSystemLive",
      "KeychainLive",
      "RuntimeLive",
      "envFromRecord",
      "keychainLayer",
      "makeFileSystem",
      "makeKeychain",
    ])
    expect(names(deno)).toEqual(names(node))
    expect(names(bun)).toEqual(names(node))
    expect(names(browser)).toEqual(["EnvLive", "RuntimeLive", "envFromRecord"])
  })
})
