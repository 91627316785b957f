/**
 * A key read from a profile of the INI-style credentials file through the runtime's `FileSystem`.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { FileSystem, type FileSystemShape } from "../runtime/FileSystem.ts"
import { parseApiKey } from "./ApiKey.ts"
import { parseCredentialsFile } from "./CredentialsFile.ts"
import {
  CredentialMisconfigured,
  CredentialNotFound,
  type CredentialProvider,
  makeProvider,
} from "./Provider.ts"

/** Setting names that hold the key, in order of preference. */
const keySettingNames = ["api_key", "omophub_api_key"] as const

/** Which credentials file and profile `fromFile` reads. */
export interface FromFileOptions {
  /** Path of the credentials file, used as given (no `~` expansion here). */
  readonly path: string
  /** Section to read; default `default`. `[name]` and `[profile name]` both match. */
  readonly profile?: string | undefined
  /** A missing file is "misconfigured" instead of "not found" (the path was named explicitly). */
  readonly mustExist?: boolean | undefined
}

// Paths already warned about: the warning is worth seeing once per process, not on every lookup.
const warnedPaths = new Set<string>()

const groupOrOtherBits = 0o077

/** Logs once per path when a POSIX file is readable by group or others. Never reads or logs content. */
const warnIfExposed = (fs: FileSystemShape, path: string) =>
  Effect.gen(function* () {
    if (!fs.posixPermissions || warnedPaths.has(path)) return
    const info = yield* fs.stat(path)
    if (Option.isNone(info) || Option.isNone(info.value.mode)) return
    const mode = info.value.mode.value & 0o777
    if ((mode & groupOrOtherBits) === 0) return
    warnedPaths.add(path)
    yield* Effect.logWarning(
      `OMOPHub credentials file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}); restrict it with chmod 600`,
    )
  }).pipe(Effect.ignore)

/**
 * Reads `api_key` (or `omophub_api_key`) from one profile. A missing file or profile => not found;
 * an unreadable or unparsable file, or a profile without a usable key => misconfigured, naming the
 * line but never its content. Warns once when the file is readable by group or others.
 */
export const fromFile = (options: FromFileOptions): CredentialProvider<FileSystem> => {
  const { path } = options
  const profile = options.profile ?? "default"
  return makeProvider(
    `file:${path}[${profile}]`,
    Effect.gen(function* () {
      const fs = yield* FileSystem
      const text = yield* fs.readFileString(path).pipe(
        Effect.catchTags({
          RuntimeUnavailable: (unavailable) =>
            Effect.fail(new CredentialNotFound({ reason: `file system unavailable: ${unavailable.reason}` })),
          FileSystemError: (error) =>
            Effect.fail(new CredentialMisconfigured({ reason: `cannot read the file: ${error.reason}` })),
        }),
      )
      if (Option.isNone(text)) {
        const reason = "the file does not exist"
        return yield* options.mustExist
          ? new CredentialMisconfigured({ reason })
          : new CredentialNotFound({ reason })
      }
      yield* warnIfExposed(fs, path)
      const contents = parseCredentialsFile(text.value)
      if (Result.isFailure(contents)) {
        const { line, reason } = contents.failure
        return yield* new CredentialMisconfigured({ reason: `line ${line}: ${reason}` })
      }
      const section = contents.success.get(profile)
      if (section === undefined) {
        // Counted, not listed: a section name may be a key pasted in the wrong place.
        const others = contents.success.size
        return yield* new CredentialNotFound({
          reason: `no [${profile}] profile${others > 0 ? ` (the file has ${others} other profile${others === 1 ? "" : "s"})` : ""}`,
        })
      }
      const entry = keySettingNames
        .map((name) => section.entries.get(name))
        .find((found) => found !== undefined)
      if (entry === undefined) {
        return yield* new CredentialMisconfigured({
          reason: `the [${profile}] profile (line ${section.line}) has no api_key setting`,
        })
      }
      const key = parseApiKey(Redacted.value(entry.value))
      if (Result.isFailure(key)) {
        return yield* new CredentialMisconfigured({ reason: `line ${entry.line}: ${key.failure.message}` })
      }
      return { key: key.success }
    }),
  )
}
