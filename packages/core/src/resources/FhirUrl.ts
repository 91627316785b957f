/**
 * The base URL of the OMOPHub FHIR Terminology Service (a separate FHIR surface, e.g. for
 * `$lookup` / `$translate` with a FHIR client library). The same API key works there.
 *
 * @module
 */
import { ValidationError } from "../Errors.ts"

/** The FHIR releases the terminology service serves. */
export const fhirVersions = ["r4", "r4b", "r5", "r6"] as const
/** A FHIR release the terminology service serves, as `fhirServerUrl` accepts it. */
export type FhirVersion = (typeof fhirVersions)[number]

const fhirServiceOrigin = "https://fhir.omophub.com/fhir"

/**
 * `https://fhir.omophub.com/fhir/<version>`, R4 unless told otherwise. The version is matched
 * case-insensitively (`R4B` works); anything else throws a `ValidationError`.
 */
export const fhirServerUrl = (version: FhirVersion | Uppercase<FhirVersion> = "r4"): string => {
  const normalised = typeof version === "string" ? version.toLowerCase() : version
  if (!(fhirVersions as ReadonlyArray<unknown>).includes(normalised)) {
    const issue = { path: "version", message: `must be one of ${fhirVersions.join(", ")}` }
    throw new ValidationError({
      message: `fhirServerUrl: invalid input: version ${issue.message}`,
      issues: [issue],
      retryable: false,
    })
  }
  return `${fhirServiceOrigin}/${normalised as FhirVersion}`
}
