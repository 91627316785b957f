/**
 * Fhir endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The fhir methods of both clients. */
export const methods = {}
