/**
 * FHIR input types for the concept resolver, and their conversion to the wire.
 *
 * The types are structural on purpose: a `Coding` or `CodeableConcept` object made by another FHIR
 * library (with `id`, `extension`, `version`, ...) can be passed as is. Fields the resolver does not
 * use are ignored, `userSelected` becomes `user_selected`, and a `{ coding: {...} }` wrapper around a
 * single coding is unwrapped, as the official SDKs do.
 *
 * @module
 */
import type { Checker } from "./Validate.ts"

/**
 * One coding to resolve. Give `system` + `code` (a FHIR system URI such as
 * `http://snomed.info/sct`), `vocabularyId` + `code` (an OMOP vocabulary id, skipping URI
 * resolution), or only `display` (resolved by text similarity). The snake_case spellings
 * `vocabulary_id` / `user_selected` are accepted as well; `null` counts as absent.
 */
export interface FhirCoding {
  readonly system?: string | null | undefined
  readonly code?: string | null | undefined
  readonly display?: string | null | undefined
  readonly vocabularyId?: string | null | undefined
  readonly vocabulary_id?: string | null | undefined
  /** Marks the coding the user chose; it wins the best match of a CodeableConcept. */
  readonly userSelected?: boolean | null | undefined
  readonly user_selected?: boolean | null | undefined
}

/** A coding, or an object carrying one under `coding` (unwrapped before sending). */
export type FhirCodingInput = FhirCoding | { readonly coding: FhirCoding }

/** A FHIR CodeableConcept: up to 20 codings and/or a free-text `text` (the semantic fallback). */
export interface FhirCodeableConcept {
  readonly coding?: ReadonlyArray<FhirCoding> | null | undefined
  readonly text?: string | null | undefined
}

/** A coding as the API reads it. */
export interface WireCoding {
  readonly system?: string
  readonly code?: string
  readonly display?: string
  readonly vocabulary_id?: string
  readonly user_selected?: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const present = (value: unknown): boolean => value !== undefined && value !== null

/**
 * Validates one coding (recording issues under `path`) and converts it to the wire form.
 * Unknown fields are dropped rather than rejected: they are ordinary FHIR fields such as `version`.
 */
export const toWireCoding = (check: Checker, path: string, value: unknown): WireCoding => {
  let coding = value
  if (isRecord(coding) && present(coding.coding)) {
    if (!isRecord(coding.coding)) {
      check.report(
        `${path}.coding`,
        Array.isArray(coding.coding)
          ? "must be one coding object (for a CodeableConcept with several codings use resolveCodeableConcept)"
          : "must be a coding object",
      )
      return {}
    }
    path = `${path}.coding`
    coding = coding.coding
  }
  if (!isRecord(coding)) {
    check.report(path, "must be a coding object ({ system, code }, { vocabularyId, code } or { display })")
    return {}
  }
  // Empty strings count as absent: FHIR libraries often fill unused fields with "".
  const text = (...keys: ReadonlyArray<string>): string | undefined => {
    for (const key of keys) {
      const raw = coding[key]
      if (!present(raw) || raw === "") continue
      if (typeof raw !== "string") {
        check.report(`${path}.${key}`, "must be a string")
        return undefined
      }
      return raw
    }
    return undefined
  }
  const system = text("system")
  const code = text("code")
  const display = text("display")
  const vocabularyId = text("vocabularyId", "vocabulary_id")
  let userSelected: boolean | undefined
  for (const key of ["userSelected", "user_selected"]) {
    const raw = coding[key]
    if (!present(raw)) continue
    if (typeof raw !== "boolean") check.report(`${path}.${key}`, "must be true or false")
    else userSelected = raw
    break
  }
  const filled = (s: string | undefined) => s !== undefined && s.trim() !== ""
  if (!((filled(code) && (filled(system) || filled(vocabularyId))) || filled(display))) {
    check.report(path, "needs system and code, vocabularyId and code, or display")
  }
  return {
    ...(system === undefined ? {} : { system }),
    ...(code === undefined ? {} : { code }),
    ...(display === undefined ? {} : { display }),
    ...(vocabularyId === undefined ? {} : { vocabulary_id: vocabularyId }),
    ...(userSelected === undefined ? {} : { user_selected: userSelected }),
  }
}
