/**
 * Turns an operation's encoded input into the URL and body that go on the wire. Rules:
 * - path: each `{name}` placeholder of the template takes exactly ONE segment, encoded with
 *   `encodeURIComponent` (so `/`, `?`, `#`, `%` and spaces cannot change the route). The characters it
 *   leaves (`A-Z a-z 0-9 - _ . ! ~ * ' ( )`) are all safe inside a segment except the dot segments
 *   `.` and `..`, which URL parsers collapse (path traversal); those, and empty values, are refused.
 * - query: camelCase keys become snake_case; `false` and `0` are sent; `undefined`/`null` omitted;
 *   arrays are comma-joined with empty items dropped, and an empty array is omitted. Encoded by
 *   `URLSearchParams` (space as `+`, comma as `%2C`).
 * - body: serialised to JSON once, so every attempt sends identical bytes.
 *
 * Problems are reported as `ValidationIssue`s, never thrown.
 *
 * @module
 */
import type { ValidationIssue } from "../Errors.ts"
import type { EncodedInput, QueryValue } from "../resources/Operation.ts"

/** `vocabularyIds` → `vocabulary_ids`; already snake_case names are unchanged. */
export const toSnakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

const placeholder = /\{([A-Za-z0-9_]+)\}/g

/** One path segment, or the reason it is refused. */
export const encodePathSegment = (value: string | number): string | { readonly problem: string } => {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { problem: "must be a finite number" }
    return encodeURIComponent(String(value))
  }
  if (typeof value !== "string") return { problem: "must be a string or a number" }
  if (value === "") return { problem: "must not be empty" }
  if (value === "." || value === "..")
    return { problem: `must not be "${value}" (it would change the route)` }
  return encodeURIComponent(value)
}

/** The query value as sent, or `undefined` to omit it; records an issue for values that cannot be sent. */
const encodeQueryValue = (
  key: string,
  value: QueryValue | unknown,
  issues: Array<ValidationIssue>,
): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value === "string") return value
  if (typeof value === "boolean") return value ? "true" : "false"
  if (typeof value === "number") {
    if (Number.isFinite(value)) return String(value)
    issues.push({ path: key, message: "must be a finite number" })
    return undefined
  }
  if (Array.isArray(value)) {
    const items: Array<string> = []
    for (const item of value) {
      const encoded = encodeQueryValue(key, item, issues)
      if (encoded !== undefined && encoded !== "") items.push(encoded)
    }
    return items.length === 0 ? undefined : items.join(",")
  }
  issues.push({ path: key, message: "must be a string, number, boolean or an array of those" })
  return undefined
}

export interface BuiltRequest {
  /** Absolute URL with query string. */
  readonly url: string
  readonly body: string | undefined
}

/**
 * Builds the URL and body. `baseUrl` has no trailing slash (see `Config.ts`); `template` starts
 * with `/`. `defaults` are query values used only when the operation did not set the same key
 * (e.g. the client-wide `vocab_release`).
 */
export const buildRequest = (
  baseUrl: string,
  template: string,
  input: EncodedInput,
  defaults: Readonly<Record<string, QueryValue>> = {},
): BuiltRequest | { readonly issues: ReadonlyArray<ValidationIssue> } => {
  const issues: Array<ValidationIssue> = []
  const pathValues = input.path ?? {}
  const used = new Set<string>()
  const path = template.replace(placeholder, (_match, name: string) => {
    used.add(name)
    const value = pathValues[name]
    if (value === undefined) {
      issues.push({ path: name, message: "is required" })
      return ""
    }
    const segment = encodePathSegment(value)
    if (typeof segment === "string") return segment
    issues.push({ path: name, message: segment.problem })
    return ""
  })
  for (const name of Object.keys(pathValues)) {
    if (!used.has(name)) issues.push({ path: name, message: "is not a parameter of this route" })
  }

  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(input.query ?? {})) {
    const wireKey = toSnakeCase(key)
    const encoded = encodeQueryValue(key, value, issues)
    if (encoded !== undefined) params.append(wireKey, encoded)
  }
  for (const [key, value] of Object.entries(defaults)) {
    const wireKey = toSnakeCase(key)
    if (params.has(wireKey)) continue
    const encoded = encodeQueryValue(key, value, issues)
    if (encoded !== undefined) params.append(wireKey, encoded)
  }

  let body: string | undefined
  if (input.body !== undefined) {
    try {
      body = JSON.stringify(input.body)
    } catch {
      issues.push({ path: "body", message: "cannot be serialised to JSON" })
    }
  }
  if (issues.length > 0) return { issues }
  const query = params.toString()
  return { url: `${baseUrl}${path}${query === "" ? "" : `?${query}`}`, body }
}
