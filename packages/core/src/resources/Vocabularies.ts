/**
 * Vocabularies endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The vocabularies methods of both clients. */
export const methods = {}
