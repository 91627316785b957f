/**
 * Hierarchy endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */

/** The hierarchy methods of both clients. */
export const methods = {}
