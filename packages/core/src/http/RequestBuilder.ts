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

// Query keys and route templates come from the operation descriptors, a small fixed set: their
// derived forms are computed once. Bounded all the same, in case a caller builds keys dynamically.
const maxMemo = 512
const memo = <A>(cache: Map<string, A>, key: string, make: (key: string) => A): A => {
  let value = cache.get(key)
  if (value === undefined) {
    value = make(key)
    if (cache.size < maxMemo) cache.set(key, value)
  }
  return value
}
const wireKeys = new Map<string, string>()
const wireKey = (key: string) => memo(wireKeys, key, toSnakeCase)

const placeholder = /\{([A-Za-z0-9_]+)\}/g

/** A route template as literal text and placeholder names, in order. */
type TemplatePart = string | { readonly name: string }
const templates = new Map<string, ReadonlyArray<TemplatePart>>()
const parseTemplate = (template: string): ReadonlyArray<TemplatePart> => {
  const parts: Array<TemplatePart> = []
  let last = 0
  for (const match of template.matchAll(placeholder)) {
    if (match.index > last) parts.push(template.slice(last, match.index))
    parts.push({ name: match[1]! })
    last = match.index + match[0].length
  }
  if (last < template.length) parts.push(template.slice(last))
  return parts
}

/** One path segment, or the reason it is refused. */
// A lone UTF-16 surrogate has no UTF-8 form, so it cannot travel in a URL: encodeURIComponent throws
// and URLSearchParams silently swaps in U+FFFD. Refused up front instead.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const malformedText = "contains a lone UTF-16 surrogate, which cannot be sent in a URL"

export const encodePathSegment = (value: string | number): string | { readonly problem: string } => {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { problem: "must be a finite number" }
    return encodeURIComponent(String(value))
  }
  if (typeof value !== "string") return { problem: "must be a string or a number" }
  if (value === "") return { problem: "must not be empty" }
  if (value === "." || value === "..")
    return { problem: `must not be "${value}" (it would change the route)` }
  if (loneSurrogate.test(value)) return { problem: malformedText }
  return encodeURIComponent(value)
}

/** The query value as sent, or `undefined` to omit it; records an issue for values that cannot be sent. */
const encodeQueryValue = (
  key: string,
  value: QueryValue | unknown,
  issues: Array<ValidationIssue>,
): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value === "string") {
    if (!loneSurrogate.test(value)) return value
    issues.push({ path: key, message: malformedText })
    return undefined
  }
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
  const parts = memo(templates, template, parseTemplate)
  let path = ""
  for (const part of parts) {
    if (typeof part === "string") {
      path += part
      continue
    }
    const { name } = part
    const value = pathValues[name]
    if (value === undefined) {
      issues.push({ path: name, message: "is required" })
      continue
    }
    const segment = encodePathSegment(value)
    if (typeof segment === "string") path += segment
    else issues.push({ path: name, message: segment.problem })
  }
  for (const name in pathValues) {
    if (!Object.hasOwn(pathValues, name)) continue
    if (!parts.some((part) => typeof part !== "string" && part.name === name))
      issues.push({ path: name, message: "is not a parameter of this route" })
  }

  // Made only once there is something to send (most calls of a path-only route have no query).
  let params: URLSearchParams | undefined
  const query = input.query
  if (query !== undefined) {
    for (const key in query) {
      if (!Object.hasOwn(query, key)) continue
      const encoded = encodeQueryValue(key, query[key], issues)
      if (encoded === undefined) continue
      params ??= new URLSearchParams()
      params.append(wireKey(key), encoded)
    }
  }
  for (const key in defaults) {
    if (!Object.hasOwn(defaults, key)) continue
    const value = defaults[key]
    if (value === undefined || value === null) continue
    const name = wireKey(key)
    if (params?.has(name)) continue
    const encoded = encodeQueryValue(key, value, issues)
    if (encoded === undefined) continue
    params ??= new URLSearchParams()
    params.append(name, encoded)
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
  const search = params === undefined ? "" : params.toString()
  return { url: `${baseUrl}${path}${search === "" ? "" : `?${search}`}`, body }
}
