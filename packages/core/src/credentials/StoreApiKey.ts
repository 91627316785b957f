/**
 * `storeApiKey`: saves a key where the default credential chain finds it, in the OS keychain
 * (service `omophub`, account = profile) or in the INI credentials file (other profiles and
 * comments kept; written atomically, mode 0600 in a 0700 folder). Runtime-agnostic: it only uses
 * the runtime's `Env`, `FileSystem` and `Keychain` services. The key is validated first and never
 * logged or echoed in an error.
 *
 * @module
 */

import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { ConfigurationError } from "../Errors.ts"
import type { Env } from "../runtime/Env.ts"
import { FileSystem, type FileSystemError } from "../runtime/FileSystem.ts"
import { Keychain, type KeychainError } from "../runtime/Keychain.ts"
import type { RuntimeUnavailable } from "../runtime/Unavailable.ts"
import { fingerprint, parseApiKey } from "./ApiKey.ts"
import { credentialsFileLocation } from "./StandardChain.ts"

/** Where `storeApiKey` saves the key. */
export interface StoreApiKeyOptions {
  /** The profile (keychain account, or credentials file section); default `default`. */
  readonly profile?: string | undefined
  /** The OS keychain or the credentials file; default `keychain`. */
  readonly target?: "keychain" | "file" | undefined
  /** For `file`: the file to write; else the location the default chain reads. */
  readonly path?: string | undefined
}

/** Where the key was saved, for telling the user; it never contains the key. */
export interface StoredApiKey {
  /** Where it went. */
  readonly target: "keychain" | "file"
  /** The profile it was stored under; pass it as `profile` to read this key. */
  readonly profile: string
  /** The file written (target `file`). */
  readonly path?: string | undefined
  /** Safe to show: a short hash of the key, the same the SDK logs. */
  readonly fingerprint: string
}

/** How storing a key can fail: bad key, profile or target, an I/O or keychain error, or no such service in this runtime. */
export type StoreApiKeyError = ConfigurationError | FileSystemError | KeychainError | RuntimeUnavailable

const misuse = (message: string) =>
  new ConfigurationError({ message: `storeApiKey: ${message}`, retryable: false })

const keySettings = /^(api_key|omophub_api_key)\s*=/i

/** The profile a section header names (`[name]` or `[profile name]`), or undefined for other lines. */
const sectionName = (line: string): string | undefined => {
  const match = /^\[([^\]]*)\]/.exec(line.trim())
  return match?.[1]
    ?.trim()
    .replace(/^profile\s+/i, "")
    .trim()
}

/** The value as the credentials file reader reads it back: bare when safe, else quoted. */
const iniValue = (key: string): string | ConfigurationError => {
  if (/^[^\s"'#;]+$/.test(key)) return key
  if (!key.includes('"')) return `"${key}"`
  if (!key.includes("'")) return `'${key}'`
  return misuse("the key contains both kinds of quote and cannot be written to the credentials file")
}

/**
 * `text` with the profile's key set to `value`: the profile's key lines are dropped and one
 * `api_key` line takes the place of the first (else follows the profile's header); a missing
 * profile is appended. Settings before any section belong to `default`, as the reader sees them.
 */
export const setProfileKey = (text: string, profile: string, value: string): string => {
  const newline = text.includes("\r\n") ? "\r\n" : "\n"
  const lines = text === "" ? [] : text.replace(/\r\n/g, "\n").split("\n")
  if (lines.at(-1) === "") lines.pop()
  const kept: string[] = []
  let current = "default"
  let replaceAt: number | undefined
  let afterHeader: number | undefined
  for (const line of lines) {
    const name = sectionName(line)
    if (name !== undefined) current = name
    if (current === profile && name === undefined && keySettings.test(line.trim())) {
      replaceAt ??= kept.length
      continue
    }
    kept.push(line)
    if (name === profile) afterHeader ??= kept.length
  }
  const setting = `api_key = ${value}`
  const insertAt = replaceAt ?? afterHeader
  if (insertAt !== undefined) kept.splice(insertAt, 0, setting)
  else {
    if (kept.length > 0 && kept.at(-1)?.trim() !== "") kept.push("")
    kept.push(`[${profile}]`, setting)
  }
  return kept.join(newline) + newline
}

const checkProfile = (profile: string): string | ConfigurationError => {
  const trimmed = profile.trim()
  if (trimmed === "" || /[[\]\r\n]/.test(trimmed) || trimmed !== profile) {
    return misuse("the profile must be a non-empty name without brackets, line breaks or surrounding spaces")
  }
  return trimmed
}

/** Stores the key; fails before touching anything when the key, profile or target is unusable. */
export const storeApiKeyEffect = (
  apiKey: string | Redacted.Redacted<string>,
  options: StoreApiKeyOptions = {},
): Effect.Effect<StoredApiKey, StoreApiKeyError, Env | FileSystem | Keychain> =>
  Effect.gen(function* () {
    const parsed = parseApiKey(Redacted.isRedacted(apiKey) ? Redacted.value(apiKey) : apiKey)
    if (Result.isFailure(parsed)) return yield* misuse(parsed.failure.message)
    const key = parsed.success
    const profile = checkProfile(options.profile ?? "default")
    if (profile instanceof ConfigurationError) return yield* profile
    const target = options.target ?? "keychain"
    const keyFingerprint = yield* fingerprint(key)
    if (target === "keychain") {
      if (options.path !== undefined) return yield* misuse('path only applies to target: "file"')
      const keychain = yield* Keychain
      yield* keychain.set("omophub", profile, key)
      return { target, profile, fingerprint: keyFingerprint }
    }
    if (target !== "file") return yield* misuse(`target must be "keychain" or "file"`)
    const value = iniValue(Redacted.value(key))
    if (value instanceof ConfigurationError) return yield* value
    const location = yield* credentialsFileLocation({ credentialsFile: options.path })
    if (Option.isNone(location)) {
      return yield* misuse("no home folder to put the credentials file in; pass path")
    }
    const path = location.value.path
    const fs = yield* FileSystem
    const existing = yield* fs.readFileString(path)
    const content = setProfileKey(
      Option.getOrElse(existing, () => ""),
      profile,
      value,
    )
    yield* fs.writeFileAtomic(path, content, { mode: 0o600, directoryMode: 0o700 })
    return { target, profile, path, fingerprint: keyFingerprint }
  })
