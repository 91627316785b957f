/**
 * A small input checker for operation descriptors. Each check records a `ValidationIssue` (with the
 * path of the bad value, e.g. `options.pageSize`) instead of throwing, so one call reports every
 * problem at once; the pipeline turns a non-empty list into a `ValidationError` before any request.
 *
 * @module
 */
import type { ValidationIssue } from "../Errors.ts"

const describe = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value)
  if (typeof value === "string") return "a string"
  return typeof value === "object" ? "an object" : typeof value
}

/**
 * Records input problems for one call. Each check returns the value (or a harmless placeholder
 * when it is bad) so `encode` can go on and report every problem, not just the first.
 */
export interface Checker {
  /** Every problem recorded so far; the pipeline fails the call when it is not empty. */
  readonly issues: ReadonlyArray<ValidationIssue>
  /** Records a custom issue. */
  readonly report: (path: string, message: string) => void
  /** An OMOP concept id: a non-negative safe integer (0 means "no matching concept" and is valid). */
  readonly conceptId: (path: string, value: unknown) => number
  /** A required string that is not blank. */
  readonly text: (path: string, value: unknown) => string
  /** An options object (or undefined): rejects non-objects and keys the operation does not know. */
  readonly options: <K extends string>(
    path: string,
    value: unknown,
    known: ReadonlyArray<K>,
  ) => Partial<Record<K, unknown>>
  /** `true`, `false`, or absent (`undefined`/`null`). */
  readonly optionalBoolean: (path: string, value: unknown) => boolean | undefined
  /** A string that is not blank, or absent. */
  readonly optionalText: (path: string, value: unknown) => string | undefined
  /** One of `allowed`, or absent. */
  readonly optionalLiteral: <L extends string>(
    path: string,
    value: unknown,
    allowed: ReadonlyArray<L>,
  ) => L | undefined
  /** A finite number from `min` to `max` inclusive, or absent. */
  readonly optionalNumber: (path: string, value: unknown, min: number, max: number) => number | undefined
  /** A safe integer from `min` to `max` inclusive, or absent. */
  readonly optionalInteger: (path: string, value: unknown, min: number, max: number) => number | undefined
  /**
   * A list sent comma-joined: every item a string without commas (empty items are dropped later).
   * `maxItems` caps the number of non-empty items (the caller's whole list is reported, never cut).
   */
  readonly optionalTextList: (
    path: string,
    value: unknown,
    maxItems?: number,
  ) => ReadonlyArray<string> | undefined
  /** A string of `min` (not counting outer spaces) to `max` characters. */
  readonly textOfLength: (path: string, value: unknown, min: number, max: number) => string
  /** An array with `min` to `max` items; each item is then checked by the caller. */
  readonly list: (path: string, value: unknown, min: number, max: number) => ReadonlyArray<unknown>
  /** A list of concept ids with `min` to `max` items, each a valid concept id. */
  readonly conceptIdList: (path: string, value: unknown, min: number, max: number) => ReadonlyArray<number>
}

/** A fresh checker with no issues; one per call, or per `encode` run in tests of your own descriptors. */
export const makeChecker = (): Checker => {
  const issues: Array<ValidationIssue> = []
  const report = (path: string, message: string) => {
    issues.push({ path, message })
  }
  const integer = (path: string, value: unknown, min: number, max: number): number | undefined => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      report(path, `must be an integer from ${min} to ${max} (got ${describe(value)})`)
      return undefined
    }
    return value
  }
  const checkedList = (path: string, value: unknown, min: number, max: number): ReadonlyArray<unknown> => {
    if (!Array.isArray(value)) {
      report(path, `must be an array of ${min} to ${max} items (got ${describe(value)})`)
      return []
    }
    if (value.length < min || value.length > max) {
      report(path, `must have ${min} to ${max} items (got ${value.length})`)
    }
    // A dense copy: holes in a sparse array become undefined items that the item checks report,
    // instead of being skipped by map/forEach (and sent as null, or dropped).
    return Array.from(value)
  }
  return {
    issues,
    report,
    conceptId: (path, value) => {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        report(path, `must be a non-negative integer concept id (got ${describe(value)})`)
        return 0
      }
      return value
    },
    text: (path, value) => {
      if (typeof value !== "string" || value.trim() === "") {
        report(path, `must be a non-empty string (got ${value === "" ? "an empty string" : describe(value)})`)
        return ""
      }
      return value
    },
    options: (path, value, known) => {
      if (value === undefined || value === null) return {}
      if (typeof value !== "object" || Array.isArray(value)) {
        report(path, `must be an object (got ${describe(value)})`)
        return {}
      }
      for (const key of Object.keys(value)) {
        if (!(known as ReadonlyArray<string>).includes(key)) {
          report(`${path}.${key}`, `is not an option of this operation (known: ${known.join(", ")})`)
        }
      }
      return value as Partial<Record<(typeof known)[number], unknown>>
    },
    optionalBoolean: (path, value) => {
      if (value === undefined || value === null) return undefined
      if (typeof value !== "boolean") {
        report(path, `must be true or false (got ${describe(value)})`)
        return undefined
      }
      return value
    },
    optionalText: (path, value) => {
      if (value === undefined || value === null) return undefined
      if (typeof value !== "string" || value.trim() === "") {
        report(path, `must be a non-empty string (got ${value === "" ? "an empty string" : describe(value)})`)
        return undefined
      }
      return value
    },
    optionalLiteral: (path, value, allowed) => {
      if (value === undefined || value === null) return undefined
      if (typeof value !== "string" || !(allowed as ReadonlyArray<string>).includes(value)) {
        report(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`)
        return undefined
      }
      return value as (typeof allowed)[number]
    },
    optionalNumber: (path, value, min, max) => {
      if (value === undefined || value === null) return undefined
      if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
        report(path, `must be a number from ${min} to ${max} (got ${describe(value)})`)
        return undefined
      }
      return value
    },
    optionalInteger: (path, value, min, max) =>
      value === undefined || value === null ? undefined : integer(path, value, min, max),
    optionalTextList: (path, value, maxItems) => {
      if (value === undefined || value === null) return undefined
      if (!Array.isArray(value)) {
        report(path, `must be an array of strings (got ${describe(value)})`)
        return undefined
      }
      Array.from(value).forEach((item, index) => {
        if (typeof item !== "string") report(`${path}[${index}]`, `must be a string (got ${describe(item)})`)
        else if (item.includes(","))
          report(`${path}[${index}]`, "must not contain a comma (lists are sent comma-joined)")
      })
      const count = value.filter((item) => item !== "").length
      if (maxItems !== undefined && count > maxItems) {
        report(path, `must have at most ${maxItems} items (got ${count})`)
      }
      return value as ReadonlyArray<string>
    },
    textOfLength: (path, value, min, max) => {
      if (typeof value !== "string") {
        report(path, `must be a string of ${min} to ${max} characters (got ${describe(value)})`)
        return ""
      }
      // Blank padding does not count towards the minimum, but it is sent, so it counts towards the maximum.
      if (value.trim().length < min || value.length > max) {
        report(
          path,
          `must be ${min} to ${max} characters long (got ${value.length}, ${value.trim().length} without outer spaces)`,
        )
      }
      return value
    },
    list: (path, value, min, max) => checkedList(path, value, min, max),
    conceptIdList: (path, value, min, max) =>
      checkedList(path, value, min, max).map((item, index) => {
        if (typeof item !== "number" || !Number.isSafeInteger(item) || item < 0) {
          report(`${path}[${index}]`, `must be a non-negative integer concept id (got ${describe(item)})`)
          return 0
        }
        return item
      }),
  }
}
