/**
 * Mappings endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The mappings methods of both clients. */
export const methods = {}
