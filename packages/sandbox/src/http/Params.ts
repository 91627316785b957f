/**
 * Query-string and JSON-body readers that validate as they read. Every problem becomes a 400
 * (`validation_error`, or `bad_request` for a body that is not JSON) whose details name the
 * parameter, so handlers never see unchecked input.
 *
 * Liberal where the clients differ: lists arrive comma-joined (Hono has already decoded `+`, `%20`,
 * `%2C`), body lists may be arrays or comma-joined strings, booleans are `true`/`false` (also `1`/`0`),
 * body numbers may be numeric strings.
 */
import type { Context } from "hono"
import { ApiFailure, validationError } from "./Envelope.ts"
import type { SandboxEnv } from "./SandboxEnv.ts"

export interface IntRange {
  readonly min?: number
  readonly max?: number
}

const invalid = (parameter: string, value: unknown, expected: string): ApiFailure =>
  validationError(`Invalid value for '${parameter}': expected ${expected}`, { parameter, value, expected })

const checkRange = (parameter: string, value: number, range: IntRange, raw: unknown): number => {
  if (range.min !== undefined && value < range.min) throw invalid(parameter, raw, describeRange(range))
  if (range.max !== undefined && value > range.max) throw invalid(parameter, raw, describeRange(range))
  return value
}

const describeRange = (range: IntRange) =>
  range.min !== undefined && range.max !== undefined
    ? `a number between ${range.min} and ${range.max}`
    : range.min !== undefined
      ? `a number >= ${range.min}`
      : `a number <= ${range.max}`

const splitList = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")

const parseBoolean = (parameter: string, value: unknown): boolean => {
  if (value === true || value === false) return value
  if (typeof value === "string") {
    const lowered = value.trim().toLowerCase()
    if (lowered === "true" || lowered === "1") return true
    if (lowered === "false" || lowered === "0") return false
  }
  if (value === 1) return true
  if (value === 0) return false
  throw invalid(parameter, value, "true or false")
}

const parseInteger = (parameter: string, value: unknown, range: IntRange): number => {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN
  if (!Number.isSafeInteger(number)) throw invalid(parameter, value, "an integer")
  return checkRange(parameter, number, range, value)
}

const parseNumber = (parameter: string, value: unknown, range: IntRange): number => {
  const number =
    typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  if (!Number.isFinite(number)) throw invalid(parameter, value, "a number")
  return checkRange(parameter, number, range, value)
}

const checkChoice = <T extends string>(parameter: string, value: string, choices: ReadonlyArray<T>): T => {
  const match = choices.find((choice) => choice === value)
  if (match === undefined) throw invalid(parameter, value, `one of ${choices.join(", ")}`)
  return match
}

const checkLength = (parameter: string, value: string, range: IntRange): string => {
  if (
    (range.min !== undefined && value.length < range.min) ||
    (range.max !== undefined && value.length > range.max)
  ) {
    throw invalid(parameter, value, `a string of ${range.min ?? 0} to ${range.max ?? "any"} characters`)
  }
  return value
}

const checkCount = <T>(parameter: string, items: T[], range: IntRange): T[] => {
  if (
    (range.min !== undefined && items.length < range.min) ||
    (range.max !== undefined && items.length > range.max)
  ) {
    throw validationError(`'${parameter}' must have ${range.min ?? 0} to ${range.max ?? "any"} items`, {
      parameter,
      count: items.length,
      min: range.min,
      max: range.max,
    })
  }
  return items
}

/** Reads the query string of one request. */
export class QueryParams {
  readonly context: Context<SandboxEnv>
  /** Every parameter (first value of each), parsed on the first look-up instead of once per name. */
  #all: Record<string, string> | undefined
  constructor(context: Context<SandboxEnv>) {
    this.context = context
  }

  /** `c.req.query(name)`: Hono's one-name look-up answers like its parse of the whole query string. */
  raw(name: string): string | undefined {
    this.#all ??= this.context.req.query()
    return Object.hasOwn(this.#all, name) ? this.#all[name] : undefined
  }

  string(name: string, length: IntRange = {}): string | undefined {
    const value = this.raw(name)
    return value === undefined ? undefined : checkLength(name, value, length)
  }

  requiredString(name: string, length: IntRange = {}): string {
    const value = this.string(name, length)
    if (value === undefined || value.trim() === "") throw missingRequiredField(name)
    return value
  }

  /** Comma-joined list; `undefined` when absent or empty. Checks the item count. */
  list(name: string, count: IntRange = {}): string[] | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    const items = splitList(value)
    return items.length === 0 ? undefined : checkCount(name, items, count)
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)
    return value === undefined || value === "" ? fallback : parseBoolean(name, value)
  }

  integer(name: string, fallback: number, range: IntRange = {}): number {
    const value = this.raw(name)
    return value === undefined || value === "" ? fallback : parseInteger(name, value, range)
  }

  optionalInteger(name: string, range: IntRange = {}): number | undefined {
    const value = this.raw(name)
    return value === undefined || value === "" ? undefined : parseInteger(name, value, range)
  }

  number(name: string, fallback: number, range: IntRange = {}): number {
    const value = this.raw(name)
    return value === undefined || value === "" ? fallback : parseNumber(name, value, range)
  }

  choice<T extends string>(name: string, choices: ReadonlyArray<T>, fallback: T): T {
    const value = this.raw(name)
    return value === undefined || value === "" ? fallback : checkChoice(name, value, choices)
  }

  optionalChoice<T extends string>(name: string, choices: ReadonlyArray<T>): T | undefined {
    const value = this.raw(name)
    return value === undefined || value === "" ? undefined : checkChoice(name, value, choices)
  }
}

type Json = unknown

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Reads one JSON object (a request body, or an item of a body array). */
export class BodyFields {
  readonly fields: Readonly<Record<string, Json>>
  /** Prefix for parameter names in errors, e.g. `searches[2].`. */
  readonly prefix: string
  constructor(fields: Readonly<Record<string, Json>>, prefix = "") {
    this.fields = fields
    this.prefix = prefix
  }

  private name(field: string) {
    return this.prefix + field
  }

  has(field: string): boolean {
    const value = this.fields[field]
    return value !== undefined && value !== null
  }

  raw(field: string): Json {
    const value = this.fields[field]
    return value === null ? undefined : value
  }

  string(field: string, length: IntRange = {}): string | undefined {
    const value = this.raw(field)
    if (value === undefined) return undefined
    if (typeof value === "number") return checkLength(this.name(field), String(value), length)
    if (typeof value !== "string") throw invalid(this.name(field), value, "a string")
    return checkLength(this.name(field), value, length)
  }

  requiredString(field: string, length: IntRange = {}): string {
    const value = this.string(field, length)
    if (value === undefined || value.trim() === "") throw missingRequiredField(this.name(field))
    return value
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.raw(field)
    return value === undefined ? fallback : parseBoolean(this.name(field), value)
  }

  integer(field: string, fallback: number, range: IntRange = {}): number {
    const value = this.raw(field)
    return value === undefined ? fallback : parseInteger(this.name(field), value, range)
  }

  optionalInteger(field: string, range: IntRange = {}): number | undefined {
    const value = this.raw(field)
    return value === undefined ? undefined : parseInteger(this.name(field), value, range)
  }

  number(field: string, fallback: number, range: IntRange = {}): number {
    const value = this.raw(field)
    return value === undefined ? fallback : parseNumber(this.name(field), value, range)
  }

  choice<T extends string>(field: string, choices: ReadonlyArray<T>, fallback: T): T {
    const value = this.raw(field)
    if (value === undefined) return fallback
    if (typeof value !== "string") throw invalid(this.name(field), value, `one of ${choices.join(", ")}`)
    return checkChoice(this.name(field), value, choices)
  }

  optionalChoice<T extends string>(field: string, choices: ReadonlyArray<T>): T | undefined {
    return this.raw(field) === undefined ? undefined : this.choice(field, choices, choices[0] as T)
  }

  /** A string list given as an array or a comma-joined string; `undefined` when absent or empty. */
  stringList(field: string, count: IntRange = {}): string[] | undefined {
    const value = this.raw(field)
    if (value === undefined) return undefined
    let items: string[]
    if (typeof value === "string") items = splitList(value)
    else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      items = value.map((item) => item.trim()).filter((item) => item !== "")
    } else throw invalid(this.name(field), value, "an array of strings")
    return items.length === 0 ? undefined : checkCount(this.name(field), items, count)
  }

  integerList(field: string, count: IntRange, itemRange: IntRange = {}): number[] | undefined {
    const value = this.raw(field)
    if (value === undefined) return undefined
    if (!Array.isArray(value)) throw invalid(this.name(field), value, "an array of integers")
    checkCount(this.name(field), value, count)
    return value.map((item, index) => parseInteger(`${this.name(field)}[${index}]`, item, itemRange))
  }

  /** An array of objects, each read with its own `BodyFields`. */
  objectList(field: string, count: IntRange): BodyFields[] | undefined {
    const value = this.raw(field)
    if (value === undefined) return undefined
    if (!Array.isArray(value)) throw invalid(this.name(field), value, "an array of objects")
    checkCount(this.name(field), value, count)
    return value.map((item, index) => {
      const itemName = `${this.name(field)}[${index}]`
      if (!isRecord(item)) throw invalid(itemName, item, "an object")
      return new BodyFields(item, `${itemName}.`)
    })
  }

  object(field: string): BodyFields | undefined {
    const value = this.raw(field)
    if (value === undefined) return undefined
    if (!isRecord(value)) throw invalid(this.name(field), value, "an object")
    return new BodyFields(value, `${this.name(field)}.`)
  }
}

export const missingRequiredField = (parameter: string) =>
  new ApiFailure(400, "missing_required_field", `Missing required field '${parameter}'`, { parameter })

/** Parses the request body as one JSON object; anything else is a 400 `bad_request`. */
export const readJsonBody = async (c: Context<SandboxEnv>): Promise<BodyFields> => {
  const text = await c.req.text()
  if (text.trim() === "") throw new ApiFailure(400, "bad_request", "Request body must be a JSON object")
  let parsed: Json
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new ApiFailure(400, "bad_request", "Malformed JSON body", { reason: (cause as Error).message })
  }
  if (!isRecord(parsed)) throw new ApiFailure(400, "bad_request", "Request body must be a JSON object")
  return new BodyFields(parsed)
}

/** A path segment that must be a concept id (a non-negative integer). */
export const conceptIdParam = (c: Context<SandboxEnv>, name = "conceptId"): number => {
  const value = c.req.param(name) ?? ""
  if (!/^\d{1,15}$/.test(value)) {
    throw validationError("Concept id must be a non-negative integer", { parameter: "concept_id", value })
  }
  return Number(value)
}

export interface PageRequest {
  readonly page: number
  readonly pageSize: number
}

export interface PageLimits {
  readonly defaultSize: number
  readonly maxSize: number
}

const maxPage = 1_000_000

export const queryPage = (query: QueryParams, limits: PageLimits): PageRequest => ({
  page: query.integer("page", 1, { min: 1, max: maxPage }),
  pageSize: query.integer("page_size", limits.defaultSize, { min: 1, max: limits.maxSize }),
})

/** Paging from the body, falling back to the query string (clients disagree on where it goes). */
export const bodyOrQueryPage = (body: BodyFields, query: QueryParams, limits: PageLimits): PageRequest => {
  const fromQuery = queryPage(query, limits)
  return {
    page: body.integer("page", fromQuery.page, { min: 1, max: maxPage }),
    pageSize: body.integer("page_size", fromQuery.pageSize, { min: 1, max: limits.maxSize }),
  }
}
