import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { FileSystem } from "../src/CoreContracts.ts"
import { FileSystemLive } from "../src/index.ts"
import { assert, assertEquals } from "./assert.ts"
import { probe } from "./probe.ts"

const fs = Effect.runSync(
  Effect.provide(
    FileSystem.useSync((service) => service),
    FileSystemLive,
  ),
)
const run = Effect.runPromise
const permissions = async (path: string) => ((await Deno.stat(path)).mode ?? 0) & 0o777

const withFolder = async (body: (root: string) => Promise<void>) => {
  const root = await Deno.makeTempDir({ prefix: "omophub-deno-fs-" })
  try {
    await body(root)
  } finally {
    await Deno.remove(root, { recursive: true })
  }
}

Deno.test("reads text; a missing file is none", () =>
  withFolder(async (root) => {
    const path = `${root}/credentials`
    assertEquals(await run(fs.readFileString(path)), Option.none())
    assertEquals(await run(fs.stat(path)), Option.none())
    await Deno.writeTextFile(path, "[default]\n")
    await Deno.chmod(path, 0o640)
    assertEquals(await run(fs.readFileString(path)), Option.some("[default]\n"))
    assertEquals(await run(fs.stat(path)), Option.some({ mode: Option.some(0o640) }))
    assert(fs.posixPermissions, "Linux has POSIX permissions")
  }))

const posix = Deno.build.os !== "windows"

for (const umask of ["077", "277", "000"]) {
  Deno.test({
    name: `writes 0600 files in new 0700 folders under umask ${umask}`,
    ignore: !posix,
    fn: () =>
      withFolder(async (root) => {
        await Deno.chmod(root, 0o755)
        const folder = `${root}/config/omophub`
        const path = `${folder}/credentials`
        for (const content of ["first", "second"]) {
          const outcome = await probe(
            [`--allow-read=${root}`, `--allow-write=${root}`],
            ["write", path, content],
            {
              umask,
            },
          )
          assertEquals(outcome, { value: null })
          assertEquals(await Deno.readTextFile(path), content)
          assertEquals(await permissions(path), 0o600)
        }
        assertEquals(await permissions(folder), 0o700)
        assertEquals(await permissions(`${root}/config`), 0o700)
        assertEquals(await permissions(root), 0o755, "existing folders are left alone")
        assertEquals(
          [...Deno.readDirSync(folder)].map((entry) => entry.name),
          ["credentials"],
        )
      }),
  })
}

Deno.test("fails with the path and never the content", () =>
  withFolder(async (root) => {
    await Deno.writeTextFile(`${root}/blocker`, "")
    const path = `${root}/blocker/credentials`
    const error = await run(
      Effect.flip(fs.writeFileAtomic(path, "sk-secret-content", { mode: 0o600, directoryMode: 0o700 })),
    )
    assertEquals(error._tag, "FileSystemError")
    assert(!JSON.stringify(error).includes("sk-secret-content"), "content leaked into the error")
    assertEquals((error as { path?: string }).path, path)
  }))

Deno.test("without --allow-read or --allow-write: RuntimeUnavailable", () =>
  withFolder(async (root) => {
    const path = `${root}/credentials`
    await Deno.writeTextFile(path, "x")
    assertEquals((await probe([], ["read", path])).error, "RuntimeUnavailable")
    assertEquals((await probe([`--allow-read=${root}`], ["write", path, "y"])).error, "RuntimeUnavailable")
    assertEquals(await Deno.readTextFile(path), "x")
    assertEquals((await probe([`--allow-read=${root}`], ["read", path])).value, { some: "x" })
    assertEquals((await probe([], ["home"])).error, "RuntimeUnavailable")
    assertEquals((await probe(["--allow-env=HOME"], ["home"], { env: { HOME: root } })).value, { some: root })
  }))
