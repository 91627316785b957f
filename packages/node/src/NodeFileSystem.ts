/**
 * The SDK's file access over `node:fs`: reading and checking a credentials file and writing it
 * atomically with owner-only permissions. Also used by the Bun adapter, whose `node:fs` is native.
 *
 * @module
 */
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import { homedir } from "node:os"
import { basename, dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { FileSystem, FileSystemError, type FileSystemShape } from "./CoreContracts.ts"

const errorCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

/** A reason built from the error code and syscall only: never the content being read or written. */
const describe = (cause: unknown): string => {
  const code = errorCode(cause)
  if (code !== undefined) {
    const syscall = (cause as { syscall?: unknown }).syscall
    return typeof syscall === "string" ? `${code} (${syscall})` : code
  }
  return cause instanceof Error ? cause.name : "unknown error"
}

const attempt = <A>(path: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new FileSystemError({ path, reason: describe(cause) }) })

/** `run`'s result, or none when the path does not exist. */
const unlessMissing = <A>(path: string, run: () => Promise<A>) =>
  attempt(path, async () => {
    try {
      return Option.some(await run())
    } catch (cause) {
      if (errorCode(cause) === "ENOENT") return Option.none<A>()
      throw cause
    }
  })

/** The folders between `folder` and its nearest existing ancestor, outermost first. */
const missingFolders = async (folder: string): Promise<string[]> => {
  const missing: string[] = []
  let current = folder
  for (;;) {
    try {
      await fs.stat(current)
      return missing.reverse()
    } catch (cause) {
      if (errorCode(cause) !== "ENOENT") throw cause
    }
    missing.push(current)
    const parent = dirname(current)
    if (parent === current) return missing.reverse()
    current = parent
  }
}

const writeAtomic = async (
  path: string,
  content: string,
  mode: number,
  directoryMode: number,
  posix: boolean,
): Promise<void> => {
  const folder = dirname(path)
  for (const created of await missingFolders(folder)) {
    await fs.mkdir(created, { mode: directoryMode }).catch((cause) => {
      if (errorCode(cause) !== "EEXIST") throw cause
    })
    // mkdir applies the umask; chmod makes the mode exact.
    if (posix) await fs.chmod(created, directoryMode)
  }
  const temporary = join(folder, `.${basename(path)}.${randomUUID()}.tmp`)
  // "wx": O_CREAT | O_EXCL, so an existing file or symlink at the temporary name is never followed.
  const handle = await fs.open(temporary, "wx", mode)
  try {
    try {
      if (posix) await handle.chmod(mode)
      await handle.writeFile(content, "utf8")
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temporary, path)
  } catch (cause) {
    await fs.rm(temporary, { force: true }).catch(() => undefined)
    throw cause
  }
  if (posix) await syncFolder(folder)
}

/** Makes the rename durable; best effort, as not every file system lets a folder be fsynced. */
const syncFolder = async (folder: string): Promise<void> => {
  const handle = await fs.open(folder, "r").catch(() => undefined)
  if (handle === undefined) return
  await handle
    .sync()
    .catch(() => undefined)
    .finally(() => handle.close())
}

/**
 * The `FileSystem` service implementation over `node:fs/promises`: a missing file reads as none,
 * writes go to a temporary file that is renamed into place with the exact mode. Other I/O failures
 * are `FileSystemError`s naming the path and error code, never the content. An unknown home folder
 * is none rather than `RuntimeUnavailable`.
 */
export const makeFileSystem = (): FileSystemShape => {
  const posix = process.platform !== "win32"
  return {
    readFileString: (path) => unlessMissing(path, () => fs.readFile(path, "utf8")),
    stat: (path) =>
      unlessMissing(path, async () => {
        const info = await fs.stat(path)
        return { mode: posix ? Option.some(info.mode & 0o7777) : Option.none() }
      }),
    writeFileAtomic: (path, content, options) =>
      attempt(path, () => writeAtomic(path, content, options.mode, options.directoryMode, posix)),
    homeDirectory: Effect.sync(() => {
      try {
        const home = homedir()
        return home === "" ? Option.none() : Option.some(home)
      } catch {
        // No HOME and no passwd entry (some containers).
        return Option.none()
      }
    }),
    posixPermissions: posix,
  }
}

/**
 * The `FileSystem` service (see `makeFileSystem`), which the credentials-file provider and
 * `storeApiKey({ target: "file" })` need. Node always has file access, so it does not report
 * `RuntimeUnavailable`; failures are `FileSystemError`s.
 */
export const FileSystemLive: Layer.Layer<FileSystem> = Layer.sync(FileSystem, () =>
  FileSystem.of(makeFileSystem()),
)
