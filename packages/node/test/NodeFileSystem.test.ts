import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { FileSystem } from "../src/CoreContracts.ts"
import { FileSystemLive } from "../src/index.ts"

const fs = Effect.runSync(
  Effect.provide(
    FileSystem.useSync((service) => service),
    FileSystemLive,
  ),
)
const run = Effect.runPromise
const permissions = (path: string) => statSync(path).mode & 0o777
const posixOnly = process.platform === "win32" ? it.skip : it

describe("FileSystemLive (node:fs)", () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "omophub-node-fs-"))
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it("reads text and reports a missing file as none", async () => {
    const path = join(root, "credentials")
    expect(await run(fs.readFileString(path))).toEqual(Option.none())
    expect(await run(fs.stat(path))).toEqual(Option.none())
    writeFileSync(path, "[default]\napi_key = x\n")
    expect(await run(fs.readFileString(path))).toEqual(Option.some("[default]\napi_key = x\n"))
  })

  posixOnly("stat reports the permission bits", async () => {
    const path = join(root, "file")
    writeFileSync(path, "x", { mode: 0o640 })
    chmodSync(path, 0o644)
    expect(await run(fs.stat(path))).toEqual(Option.some({ mode: Option.some(0o644) }))
    expect(fs.posixPermissions).toBe(true)
  })

  for (const umask of [0o077, 0o277, 0o000]) {
    posixOnly(
      `writes 0600 files in new 0700 folders under umask ${umask.toString(8).padStart(3, "0")}`,
      async () => {
        chmodSync(root, 0o755)
        const previous = process.umask(umask)
        try {
          const folder = join(root, "config", "omophub")
          const path = join(folder, "credentials")
          await run(fs.writeFileAtomic(path, "first", { mode: 0o600, directoryMode: 0o700 }))
          expect(readFileSync(path, "utf8")).toBe("first")
          expect(permissions(path)).toBe(0o600)
          expect(permissions(folder)).toBe(0o700)
          expect(permissions(join(root, "config"))).toBe(0o700)
          // Only the folders it created get the folder mode; existing ones are left alone.
          expect(permissions(root)).toBe(0o755)

          await run(fs.writeFileAtomic(path, "second", { mode: 0o600, directoryMode: 0o700 }))
          expect(readFileSync(path, "utf8")).toBe("second")
          expect(permissions(path)).toBe(0o600)
          // No temporary files are left behind.
          expect(readdirSync(folder)).toEqual(["credentials"])
        } finally {
          process.umask(previous)
        }
      },
    )
  }

  posixOnly("replaces a wider-mode file with exactly the requested mode", async () => {
    const path = join(root, "credentials")
    writeFileSync(path, "old", { mode: 0o666 })
    await run(fs.writeFileAtomic(path, "new", { mode: 0o600, directoryMode: 0o700 }))
    expect(permissions(path)).toBe(0o600)
    expect(await run(fs.stat(path))).toEqual(Option.some({ mode: Option.some(0o600) }))
  })

  it("fails with the path and never the content", async () => {
    const blocker = join(root, "not-a-folder")
    writeFileSync(blocker, "")
    const path = join(blocker, "credentials")
    const error = await run(
      Effect.flip(fs.writeFileAtomic(path, "sk-secret-content", { mode: 0o600, directoryMode: 0o700 })),
    )
    expect(error._tag).toBe("FileSystemError")
    expect(error).toMatchObject({ path })
    expect(JSON.stringify(error)).not.toContain("sk-secret-content")
    expect(String(error)).not.toContain("sk-secret-content")
    // A folder read as a file is an error, not "missing".
    const folderRead = await run(Effect.flip(fs.readFileString(root)))
    expect(folderRead).toMatchObject({ _tag: "FileSystemError", path: root, reason: "EISDIR (read)" })
  })

  it("knows the home folder", async () => {
    const home = await run(fs.homeDirectory)
    expect(Option.isSome(home)).toBe(true)
  })
})
