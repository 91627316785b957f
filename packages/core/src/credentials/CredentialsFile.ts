/**
 * Parses the INI-style credentials file (`~/.config/omophub/credentials`):
 *
 * ```ini
 * [default]
 * api_key = oh_...
 *
 * [profile staging]   # AWS-style headers work too
 * api_key = "oh_..."
 * ```
 *
 * Tolerates what real files contain: a BOM, CRLF, blank lines, `#`/`;` comments (whole-line, or
 * trailing after whitespace), spaces around `=`, quoted values, `[ name ]` spacing. Settings before
 * any section belong to `default`. Errors name a line, never its content: the line may be a key.
 *
 * @module
 */
import * as Data from "effect/Data"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"

/** The file cannot be parsed. `reason` describes the problem without quoting the line. */
export class CredentialsFileSyntaxError extends Data.TaggedError("CredentialsFileSyntaxError")<{
  /** 1-based line number. */
  readonly line: number
  readonly reason: string
}> {}

export interface CredentialsFileEntry {
  /** Redacted as soon as it is read: any setting may be a secret. */
  readonly value: Redacted.Redacted<string>
  readonly line: number
}

export interface CredentialsFileProfile {
  /** Line of the section header (or of the first setting, for settings before any section). */
  readonly line: number
  /** Setting names in lower case. */
  readonly entries: ReadonlyMap<string, CredentialsFileEntry>
}

/** Profiles by name, in file order. */
export type CredentialsFileContents = ReadonlyMap<string, CredentialsFileProfile>

const commentStart = /^[#;]/
// A trailing comment needs whitespace before it, so keys containing `#` or `;` stay intact.
const trailingComment = /\s[#;].*$/

/** Whether what follows a closing `]` or quote is only whitespace or a comment. */
const isIgnorableTail = (tail: string) => {
  const rest = tail.trim()
  return rest === "" || commentStart.test(rest)
}

const parseSectionName = (line: string): Result.Result<string, string> => {
  const close = line.indexOf("]")
  if (close === -1) return Result.fail("the section header has no closing ']'")
  if (!isIgnorableTail(line.slice(close + 1))) return Result.fail("unexpected text after the section header")
  const name = line
    .slice(1, close)
    .trim()
    .replace(/^profile\s+/i, "")
    .trim()
  return name === "" ? Result.fail("the section name is empty") : Result.succeed(name)
}

const parseValue = (text: string): Result.Result<string, string> => {
  const quote = text[0]
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, 1)
    if (close === -1) return Result.fail("the quoted value has no closing quote")
    if (!isIgnorableTail(text.slice(close + 1))) return Result.fail("unexpected text after the quoted value")
    return Result.succeed(text.slice(1, close))
  }
  return Result.succeed(text.replace(trailingComment, "").trim())
}

export const parseCredentialsFile = (
  text: string,
): Result.Result<CredentialsFileContents, CredentialsFileSyntaxError> => {
  const profiles = new Map<string, { line: number; entries: Map<string, CredentialsFileEntry> }>()
  const profileNamed = (name: string, line: number) => {
    const existing = profiles.get(name)
    if (existing !== undefined) return existing
    const created = { line, entries: new Map<string, CredentialsFileEntry>() }
    profiles.set(name, created)
    return created
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)
  let current: string | undefined
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1
    const line = lines[index]!.trim()
    if (line === "" || commentStart.test(line)) continue
    const fail = (reason: string) => Result.fail(new CredentialsFileSyntaxError({ line: lineNumber, reason }))
    if (line.startsWith("[")) {
      const name = parseSectionName(line)
      if (Result.isFailure(name)) return fail(name.failure)
      current = name.success
      profileNamed(current, lineNumber)
      continue
    }
    const equals = line.indexOf("=")
    if (equals === -1) return fail("the line is not a [section], a name = value setting or a comment")
    const name = line.slice(0, equals).trim().toLowerCase()
    if (name === "") return fail("the setting has no name before '='")
    const value = parseValue(line.slice(equals + 1).trim())
    if (Result.isFailure(value)) return fail(value.failure)
    current ??= "default"
    profileNamed(current, lineNumber).entries.set(name, {
      value: Redacted.make(value.success, { label: name }),
      line: lineNumber,
    })
  }
  return Result.succeed(profiles)
}
