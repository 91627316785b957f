/**
 * Domains endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The domains methods of both clients. */
export const methods = {}
