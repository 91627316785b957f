/**
 * Relationships endpoints, as descriptors. See `Operation.ts`; the pipeline does the work.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import * as Concepts from "./Concepts.ts"
import { openStruct } from "./Models.ts"
import { makeOperation, method, type Pagination } from "./Operation.ts"
import { type PageOptions, pageQuery } from "./PageQuery.ts"

/** Options of `relationships.types`: paging (up to 500 per page) and the release. */
export interface RelationshipTypesOptions extends PageOptions {
  /** Vocabulary release for this call (overrides the client's `vocabRelease`). */
  readonly vocabRelease?: string | undefined
}

const optionalString = Schema.optional(Schema.NullOr(Schema.String))
const optionalBoolean = Schema.optional(Schema.NullOr(Schema.Boolean))

/** One relationship type of the catalogue (`Maps to`, `Is a`...) with its properties, as far as the server sent them. */
export const RelationshipType = openStruct({
  relationship_id: Schema.String,
  relationship_name: Schema.String,
  is_hierarchical: optionalBoolean,
  is_defining: optionalBoolean,
  is_symmetric: optionalBoolean,
  is_transitive: optionalBoolean,
  reverse_relationship_id: optionalString,
  primary_vocabularies: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  defines_ancestry: optionalBoolean,
  relationship_concept_id: Schema.optional(Schema.NullOr(Schema.Number)),
  category: optionalString,
  usage_count: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type RelationshipType = typeof RelationshipType.Type

/**
 * `GET /concepts/{concept_id}/relationships`: a concept's relationships (paged, up to 1000 per
 * page). The same endpoint, options and output as `concepts.relationships`, named for this resource.
 */
export const get = makeOperation({ ...Concepts.relationships, resource: "relationships", name: "get" })

/** One page of `relationships.types`. */
export interface RelationshipTypes {
  /** The relationship types on this page. */
  readonly relationship_types: ReadonlyArray<RelationshipType>
  readonly pagination?: Pagination | undefined
}

/** `GET /relationships/types`: the relationship catalogue (paged, up to 500 per page). */
export const types = makeOperation({
  resource: "relationships",
  name: "types",
  method: "GET",
  path: "/relationships/types",
  safeToReplay: true,
  pagination: "page",
  encode: (input: { readonly options?: RelationshipTypesOptions | undefined }, check) => {
    const o = check.options("options", input.options, ["page", "pageSize", "vocabRelease"])
    return {
      query: {
        ...pageQuery(check, o, 500),
        vocabRelease: check.optionalText("options.vocabRelease", o.vocabRelease),
      },
    }
  },
  data: openStruct({ relationship_types: Schema.Array(RelationshipType) }),
  output: (data, meta): RelationshipTypes => ({
    relationship_types: data.relationship_types,
    pagination: meta.pagination,
  }),
  pageItems: (output: RelationshipTypes) => output.relationship_types,
})

/** The relationships methods of both clients. */
export const methods = {
  get: method(
    get,
    1,
    ([conceptId]: [conceptId: number], options: Concepts.ConceptRelationshipsOptions | undefined) => ({
      conceptId,
      options,
    }),
  ),
  types: method(types, 0, (_: [], options: RelationshipTypesOptions | undefined) => ({ options })),
}
