/**
 * One source code to its OMOP standard concept, with an explicit status.
 *
 * The lookup is `client.fhir.resolve({ vocabularyId, code })`: the one call that takes a native
 * (vocabulary, code) pair and follows 'Maps to' to the standard concept, and one the SDK batches by
 * itself — single calls made in the same tick go out as `POST /fhir/resolve/batch` requests of up to
 * 100 codes, and each caller still gets its own answer or its own error. `onUnmapped: "sentinel"`
 * makes codes without a standard concept resolve (to concept 0) instead of failing, so "unknown code"
 * and "known code without a standard mapping" can be told apart.
 */
import { type FhirConcept, isOmopHubError, type OMOPHub } from "@omophub/node"

export const statuses = ["mapped", "already_standard", "unmapped", "not_found", "invalid", "error"] as const
/**
 * - `mapped`: a non-standard source concept with a 'Maps to' standard concept;
 * - `already_standard`: the source concept is itself standard;
 * - `unmapped`: the source concept exists but has no valid standard concept;
 * - `not_found`: no concept has this code in this vocabulary (in the release served);
 * - `invalid`: an empty vocabulary or code, never sent;
 * - `error`: the API refused or failed for this code after retries; `detail` says why.
 */
export type Status = (typeof statuses)[number]

export interface Outcome {
  readonly status: Status
  /** An `error` the run expects and does not fail for: a vocabulary the key is not licensed for. */
  readonly expected?: boolean
  readonly source?: FhirConcept | undefined
  readonly standard?: FhirConcept | undefined
  readonly detail: string
}

/** Errors that would fail every other row too: stop the run instead of writing thousands of errors. */
const fatalTags = new Set([
  "AuthenticationError",
  "CredentialsError",
  "ConfigurationError",
  "QuotaExceededError",
])
/** No response at all (after the client's retries): fatal until the server has answered once. */
const transportTags = new Set(["ConnectionError", "TimeoutError"])
/** This many transport failures in a row stop the run even after earlier successes. */
export const maxConsecutiveTransportFailures = 3

export class FatalError extends Error {}

/** Whether the server has answered yet, and the transport failures since its last answer. */
const health = { answered: false, transportFailures: 0 }

const describe = (error: unknown): string => {
  if (!isOmopHubError(error)) return error instanceof Error ? error.message : String(error)
  const code = "code" in error && typeof error.code === "string" ? ` ${error.code}` : ""
  return `${error._tag}${code}: ${error.message}`
}

/** Surrounding spaces (also non-breaking ones) are export noise; inner characters are kept as they are. */
export const cleanCode = (code: string): string => code.trim()

export const resolveCode = async (
  client: OMOPHub,
  vocabularyId: string,
  conceptCode: string,
): Promise<Outcome> => {
  const vocabulary = vocabularyId.trim()
  const code = cleanCode(conceptCode)
  if (vocabulary === "" || code === "") {
    return { status: "invalid", detail: vocabulary === "" ? "empty vocabulary_id" : "empty concept_code" }
  }
  try {
    const { resolution } = await client.fhir.resolve(
      { vocabularyId: vocabulary, code },
      { onUnmapped: "sentinel" },
    )
    health.answered = true
    health.transportFailures = 0
    const source = resolution.source_concept.concept_id === 0 ? undefined : resolution.source_concept
    const standard = resolution.standard_concept.concept_id === 0 ? undefined : resolution.standard_concept
    if (source === undefined) return { status: "not_found", detail: "" }
    if (standard === undefined) return { status: "unmapped", source, detail: "no valid 'Maps to' target" }
    const more = resolution.alternative_standard_concepts?.length ?? 0
    const detail = more > 0 ? `${more} more standard target(s)` : ""
    return resolution.mapping_type === "direct"
      ? { status: "already_standard", source, standard, detail }
      : { status: "mapped", source, standard, detail }
  } catch (error) {
    if (!isOmopHubError(error)) return { status: "error", detail: describe(error) }
    if (fatalTags.has(error._tag)) throw new FatalError(describe(error))
    if (transportTags.has(error._tag)) {
      health.transportFailures++
      if (!health.answered || health.transportFailures >= maxConsecutiveTransportFailures) {
        throw new FatalError(describe(error))
      }
      return { status: "error", detail: describe(error) }
    }
    health.answered = true // any other error is an answer from the server
    health.transportFailures = 0
    if (error._tag === "NotFoundError") return { status: "not_found", detail: "" }
    const restricted = "code" in error && error.code === "vocabulary_restricted"
    return { status: "error", detail: describe(error), expected: restricted }
  }
}
