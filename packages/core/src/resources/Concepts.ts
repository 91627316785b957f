/**
 * Concept endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import { Concept } from "./Models.ts"
import { makeOperation, method } from "./Operation.ts"

export interface GetConceptOptions {
  readonly includeRelationships?: boolean | undefined
  readonly includeSynonyms?: boolean | undefined
  readonly includeHierarchy?: boolean | undefined
  /** Vocabulary release for this call, e.g. `2025.1` (overrides the client's). */
  readonly vocabRelease?: string | undefined
}

/** `GET /concepts/{concept_id}`: one concept by its OMOP id. */
export const get = makeOperation({
  resource: "concepts",
  name: "get",
  method: "GET",
  path: "/concepts/{concept_id}",
  safeToReplay: true,
  pagination: "none",
  encode: (
    input: { readonly conceptId: number; readonly options?: GetConceptOptions | undefined },
    check,
  ) => {
    const conceptId = check.conceptId("conceptId", input.conceptId)
    const options = check.options("options", input.options, [
      "includeRelationships",
      "includeSynonyms",
      "includeHierarchy",
      "vocabRelease",
    ])
    return {
      path: { concept_id: conceptId },
      query: {
        includeRelationships: check.optionalBoolean(
          "options.includeRelationships",
          options.includeRelationships,
        ),
        includeSynonyms: check.optionalBoolean("options.includeSynonyms", options.includeSynonyms),
        includeHierarchy: check.optionalBoolean("options.includeHierarchy", options.includeHierarchy),
        vocabRelease: check.optionalText("options.vocabRelease", options.vocabRelease),
      },
    }
  },
  data: Concept,
  output: (concept) => concept,
})

/** The concept methods of both clients. */
export const methods = {
  get: method(get, 1, ([conceptId]: [conceptId: number], options: GetConceptOptions | undefined) => ({
    conceptId,
    options,
  })),
}
