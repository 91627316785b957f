/**
 * The SDK's file access over Deno's own file API. Needs `--allow-read` (and `--allow-write` for
 * saving) on the credentials folder; without it every operation reports `RuntimeUnavailable`.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { FileSystem, FileSystemError, type FileSystemShape, RuntimeUnavailable } from "./CoreContracts.ts"
import { deno, isGranted, isPermissionError } from "./DenoApi.ts"
import { readVariable } from "./DenoEnv.ts"
import { folderOf, inFolder, nameOf } from "./DenoPaths.ts"

const capability = "file-system"

/** The error class and the OS message (which names the path, never the content read or written). */
const describe = (cause: unknown): string =>
  cause instanceof Error
    ? `${cause.name}: ${(cause.message.split("\n")[0] ?? "").slice(0, 200)}`
    : "unknown error"

const isMissing = (cause: unknown) => cause instanceof deno().errors.NotFound

const requirePermission = (kind: "read" | "write", path: string) =>
  isGranted({ name: kind, path })
    ? Effect.void
    : Effect.fail(
        new RuntimeUnavailable({
          capability,
          reason: `no permission to ${kind} ${path}; run Deno with --allow-${kind}`,
        }),
      )

const attempt = <A>(path: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) =>
      isPermissionError(cause)
        ? new RuntimeUnavailable({ capability, reason: `no permission for ${path}` })
        : new FileSystemError({ path, reason: describe(cause) }),
  })

const unlessMissing = <A>(path: string, run: () => Promise<A>) =>
  attempt(path, async () => {
    try {
      return Option.some(await run())
    } catch (cause) {
      if (isMissing(cause)) return Option.none<A>()
      throw cause
    }
  })

/** The folders between `folder` and its nearest existing ancestor, outermost first. */
const missingFolders = async (folder: string, windows: boolean): Promise<string[]> => {
  const missing: string[] = []
  let current = folder
  for (;;) {
    try {
      await deno().stat(current)
      return missing.reverse()
    } catch (cause) {
      if (!isMissing(cause)) throw cause
    }
    missing.push(current)
    const parent = folderOf(current, windows)
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
) => {
  const api = deno()
  const folder = folderOf(path, !posix)
  for (const created of await missingFolders(folder, !posix)) {
    await api.mkdir(created, { mode: directoryMode }).catch((cause) => {
      if (!(cause instanceof api.errors.AlreadyExists)) throw cause
    })
    // mkdir applies the umask; chmod makes the mode exact.
    if (posix) await api.chmod(created, directoryMode)
  }
  const temporary = inFolder(folder, `.${nameOf(path, !posix)}.${crypto.randomUUID()}.tmp`, !posix)
  // createNew: O_CREAT | O_EXCL, so an existing file or symlink at the temporary name is never followed.
  const file = await api.open(temporary, { write: true, createNew: true, mode })
  try {
    try {
      if (posix) await api.chmod(temporary, mode)
      const bytes = new TextEncoder().encode(content)
      for (let written = 0; written < bytes.length; ) written += await file.write(bytes.subarray(written))
      await file.sync()
    } finally {
      file.close()
    }
    await api.rename(temporary, path)
  } catch (cause) {
    await api.remove(temporary).catch(() => undefined)
    throw cause
  }
}

/**
 * The `FileSystem` service implementation over Deno's file API: a missing file reads as none,
 * writes go to a temporary file that is renamed into place with the exact mode. Without
 * `--allow-read` / `--allow-write` for the path (or `HOME` / `USERPROFILE` env access for the home
 * folder) it reports `RuntimeUnavailable`; other I/O failures are `FileSystemError`s naming the path.
 */
export const makeFileSystem = (): FileSystemShape => {
  const posix = deno().build.os !== "windows"
  return {
    readFileString: (path) =>
      requirePermission("read", path).pipe(
        Effect.andThen(unlessMissing(path, () => deno().readTextFile(path))),
      ),
    stat: (path) =>
      requirePermission("read", path).pipe(
        Effect.andThen(
          unlessMissing(path, async () => {
            const { mode } = await deno().stat(path)
            return { mode: posix && mode !== null ? Option.some(mode & 0o7777) : Option.none<number>() }
          }),
        ),
      ),
    writeFileAtomic: (path, content, options) =>
      requirePermission("read", folderOf(path, !posix)).pipe(
        Effect.andThen(requirePermission("write", folderOf(path, !posix))),
        Effect.andThen(
          attempt(path, () => writeAtomic(path, content, options.mode, options.directoryMode, posix)),
        ),
      ),
    homeDirectory: readVariable(posix ? "HOME" : "USERPROFILE").pipe(
      Effect.mapError(
        (error) => new RuntimeUnavailable({ capability, reason: `home folder unknown: ${error.reason}` }),
      ),
    ),
    posixPermissions: posix,
  }
}

/**
 * The `FileSystem` service (see `makeFileSystem`), which the credentials-file provider and
 * `storeApiKey({ target: "file" })` need. Reports `RuntimeUnavailable` when Deno's read or write
 * permission is missing.
 */
export const FileSystemLive: Layer.Layer<FileSystem> = Layer.sync(FileSystem, () =>
  FileSystem.of(makeFileSystem()),
)
