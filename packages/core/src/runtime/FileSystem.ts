/**
 * The little file access the SDK needs: reading a credentials file, checking its permissions, and
 * writing it safely. Supplied by the Node, Deno and Bun adapters; absent in the browser.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { RuntimeUnavailable } from "./Unavailable.ts"

/** A file operation failed for a reason other than the file not existing. Names the path, never content. */
export class FileSystemError extends Data.TaggedError("FileSystemError")<{
  readonly path: string
  readonly reason: string
}> {
  /** Names the path and the reason, never the content. */
  override get message(): string {
    return `${this.path}: ${this.reason}`
  }
}

/** What `stat` reports about a file: only what the credentials file permission check needs. */
export interface FileInfo {
  /** POSIX permission bits (e.g. 0o600), or none on platforms without them. */
  readonly mode: Option.Option<number>
}

/** What a `FileSystem` implementation provides. */
export interface FileSystemShape {
  /** The file's text, or none when it does not exist. */
  readonly readFileString: (
    path: string,
  ) => Effect.Effect<Option.Option<string>, FileSystemError | RuntimeUnavailable>
  /** Metadata, or none when the file does not exist. */
  readonly stat: (
    path: string,
  ) => Effect.Effect<Option.Option<FileInfo>, FileSystemError | RuntimeUnavailable>
  /**
   * Writes the file atomically (temporary file in the same folder, then rename) with exactly the
   * given mode whatever the umask, creating missing parent folders with `directoryMode`.
   */
  readonly writeFileAtomic: (
    path: string,
    content: string,
    options: { readonly mode: number; readonly directoryMode: number },
  ) => Effect.Effect<void, FileSystemError | RuntimeUnavailable>
  /** The user's home folder, when the runtime can tell. */
  readonly homeDirectory: Effect.Effect<Option.Option<string>, RuntimeUnavailable>
  /** Whether the platform has POSIX permission bits (false on Windows). */
  readonly posixPermissions: boolean
}

/** File access for the credentials file (`fromFile`, `storeApiKey`). Runtime adapters provide it as `FileSystemLive`. */
export class FileSystem extends Context.Service<FileSystem, FileSystemShape>()("@omophub/core/FileSystem") {}
