// In-memory runtime services and helpers for the credentials tests.
import { inspect } from "node:util"
import { expect } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { FileSystem, FileSystemError } from "../../src/runtime/FileSystem.ts"
import { Keychain, KeychainError } from "../../src/runtime/Keychain.ts"
import { RuntimeUnavailable } from "../../src/runtime/Unavailable.ts"

/** A key-shaped secret that must never show up in any error or log. */
export const secret = "oh_live_SUPERSECRET_9f8e7d"

export interface MemoryFile {
  readonly content: string
  /** POSIX mode; default 0o600. */
  readonly mode?: number
  /** Reading fails with this reason (e.g. permission denied). */
  readonly readError?: string
}

export interface MemoryFileSystemOptions {
  readonly home?: string | undefined
  readonly posix?: boolean
  readonly unavailable?: boolean
}

/** A FileSystem over a record of path -> file; counts reads so tests can see what was consulted. */
export const memoryFileSystem = (
  files: Readonly<Record<string, string | MemoryFile>>,
  options: MemoryFileSystemOptions = {},
) => {
  const reads: Array<string> = []
  const fileAt = (path: string): MemoryFile | undefined => {
    const file = files[path]
    return typeof file === "string" ? { content: file } : file
  }
  const unavailable = new RuntimeUnavailable({ capability: "file-system", reason: "not in this test" })
  const layer = Layer.succeed(
    FileSystem,
    FileSystem.of({
      readFileString: (path) =>
        Effect.suspend((): Effect.Effect<Option.Option<string>, FileSystemError | RuntimeUnavailable> => {
          reads.push(path)
          if (options.unavailable) return Effect.fail(unavailable)
          const file = fileAt(path)
          if (file?.readError !== undefined)
            return Effect.fail(new FileSystemError({ path, reason: file.readError }))
          return Effect.succeed(Option.fromNullishOr(file?.content))
        }),
      stat: (path) =>
        Effect.sync(() =>
          Option.map(Option.fromNullishOr(fileAt(path)), (file) => ({
            mode: Option.some(file.mode ?? 0o600),
          })),
        ),
      writeFileAtomic: () => Effect.die("not used by these tests"),
      homeDirectory: options.unavailable
        ? Effect.fail(unavailable)
        : Effect.succeed(Option.fromNullishOr(options.home)),
      posixPermissions: options.posix ?? true,
    }),
  )
  return { layer, reads }
}

export interface MemoryKeychainOptions {
  readonly unavailable?: boolean
  readonly refuse?: boolean
}

/** A Keychain over a record of "service/account" -> secret; records each lookup. */
export const memoryKeychain = (
  entries: Readonly<Record<string, string>>,
  options: MemoryKeychainOptions = {},
) => {
  const lookups: Array<string> = []
  const layer = Layer.succeed(
    Keychain,
    Keychain.of({
      get: (service, account) =>
        Effect.suspend(
          (): Effect.Effect<Option.Option<Redacted.Redacted<string>>, KeychainError | RuntimeUnavailable> => {
            lookups.push(`${service}/${account}`)
            if (options.unavailable) {
              return Effect.fail(
                new RuntimeUnavailable({ capability: "keychain", reason: "no secret service" }),
              )
            }
            if (options.refuse) return Effect.fail(new KeychainError({ service, account, reason: "locked" }))
            return Effect.succeed(
              Option.map(Option.fromNullishOr(entries[`${service}/${account}`]), (value) =>
                Redacted.make(value),
              ),
            )
          },
        ),
      set: () => Effect.die("not used by these tests"),
      delete: () => Effect.die("not used by these tests"),
    }),
  )
  return { layer, lookups }
}

/** A logger that keeps every log line (level, message and annotations) as text. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(
      `${options.logLevel} ${inspect(options.message, { depth: 5 })} ${inspect(options.cause, { depth: 5 })}`,
    )
  })
  return { lines, layer: Logger.layer([logger]) }
}

/** Every way an error can end up printed. */
export const renderings = (error: unknown): ReadonlyArray<string> => [
  error instanceof Error ? error.message : "",
  String(error),
  JSON.stringify(error),
  inspect(error, { depth: 10 }),
  Cause.pretty(Cause.fail(error)),
]

/** Fails when any 7-character piece of `value` occurs in any of `texts`. */
export const expectNoPieceOf = (value: string, texts: ReadonlyArray<string>) => {
  for (let start = 0; start + 7 <= value.length; start++) {
    const piece = value.slice(start, start + 7)
    for (const text of texts) expect(text, `contains ${JSON.stringify(piece)}`).not.toContain(piece)
  }
}
