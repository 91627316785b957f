import { afterEach, expect, test } from "bun:test"
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
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
const roots: string[] = []
const makeRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "omophub-bun-fs-"))
  roots.push(root)
  return root
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

test("reads text; a missing file is none; stat gives the mode", async () => {
  const path = join(makeRoot(), "credentials")
  expect(await run(fs.readFileString(path))).toEqual(Option.none())
  expect(await run(fs.stat(path))).toEqual(Option.none())
  writeFileSync(path, "[default]\n")
  chmodSync(path, 0o640)
  expect(await run(fs.readFileString(path))).toEqual(Option.some("[default]\n"))
  expect(await run(fs.stat(path))).toEqual(Option.some({ mode: Option.some(0o640) }))
})

for (const umask of [0o077, 0o277, 0o000]) {
  test.skipIf(process.platform === "win32")(
    `writes 0600 files in new 0700 folders under umask ${umask.toString(8)}`,
    async () => {
      const root = makeRoot()
      chmodSync(root, 0o755)
      const folder = join(root, "config", "omophub")
      const path = join(folder, "credentials")
      const previous = process.umask(umask)
      try {
        for (const content of ["first", "second"]) {
          await run(fs.writeFileAtomic(path, content, { mode: 0o600, directoryMode: 0o700 }))
          expect(readFileSync(path, "utf8")).toBe(content)
          expect(permissions(path)).toBe(0o600)
        }
      } finally {
        process.umask(previous)
      }
      expect(permissions(folder)).toBe(0o700)
      expect(permissions(join(root, "config"))).toBe(0o700)
      expect(permissions(root)).toBe(0o755)
      expect(readdirSync(folder)).toEqual(["credentials"])
    },
  )
}

test("fails with the path and never the content", async () => {
  const root = makeRoot()
  writeFileSync(join(root, "blocker"), "")
  const path = join(root, "blocker", "credentials")
  const error = await run(
    Effect.flip(fs.writeFileAtomic(path, "sk-secret-content", { mode: 0o600, directoryMode: 0o700 })),
  )
  expect(error).toMatchObject({ _tag: "FileSystemError", path })
  expect(JSON.stringify(error)).not.toContain("sk-secret-content")
})
