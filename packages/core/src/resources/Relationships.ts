/**
 * Relationships endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The relationships methods of both clients. */
export const methods = {}
