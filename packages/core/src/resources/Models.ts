/**
 * Response object schemas shared by several endpoints. Field names stay the API's snake_case.
 * Every object schema keeps fields it does not declare (the API adds fields over time), and the
 * declared ones are as loose as the observed wire allows (optional where some sources omit them).
 *
 * @module
 */
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

const rest = [Schema.Record(Schema.String, Schema.Unknown)] as const

/** An object schema that also keeps undeclared fields. */
export const openStruct = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.StructWithRest(Schema.Struct(fields), rest)

const optionalNullableString = Schema.optional(Schema.NullOr(Schema.String))
const optionalNullableNumber = Schema.optional(Schema.NullOr(Schema.Number))

const SynonymObject = openStruct({
  concept_synonym_name: Schema.String,
  language_concept_id: optionalNullableNumber,
  language_concept_name: optionalNullableString,
})
/**
 * A concept synonym. The API sends objects; some sources show plain strings, which decode to
 * `{ concept_synonym_name }` so callers always see objects.
 */
export const Synonym = Schema.Union([
  SynonymObject,
  Schema.String.pipe(
    Schema.decodeTo(
      SynonymObject,
      SchemaTransformation.transform({
        decode: (name: string) => ({ concept_synonym_name: name }),
        encode: (synonym) => synonym.concept_synonym_name,
      }),
    ),
  ),
])
export type Synonym = typeof Synonym.Type

/** The fields of a full concept row. */
export const conceptFields = {
  concept_id: Schema.Number,
  concept_name: Schema.String,
  domain_id: Schema.optional(Schema.String),
  vocabulary_id: Schema.String,
  concept_class_id: Schema.optional(Schema.String),
  standard_concept: optionalNullableString,
  concept_code: Schema.String,
  valid_start_date: optionalNullableString,
  valid_end_date: optionalNullableString,
  invalid_reason: optionalNullableString,
  synonyms: Schema.optional(Schema.Array(Synonym)),
  relationships: Schema.optional(Schema.Unknown),
  hierarchy: Schema.optional(Schema.Unknown),
}

/** A full concept row (`GET /concepts/{id}`, search results, ...). */
export const Concept = openStruct(conceptFields)
export type Concept = typeof Concept.Type

/** `meta.pagination` of paged endpoints. */
export const PaginationSchema = openStruct({
  page: Schema.optional(Schema.Number),
  page_size: Schema.optional(Schema.Number),
  total_items: Schema.optional(Schema.Number),
  total_pages: Schema.optional(Schema.Number),
  has_next: Schema.optional(Schema.Boolean),
  has_previous: Schema.optional(Schema.Boolean),
})

/** The short concept form (`concept_id`, `concept_name`, `vocabulary_id`, `concept_code`) plus what else came. */
export const conceptSummaryFields = {
  concept_id: Schema.Number,
  concept_name: Schema.String,
  vocabulary_id: Schema.optional(Schema.String),
  concept_code: Schema.optional(Schema.String),
  domain_id: Schema.optional(Schema.String),
  concept_class_id: Schema.optional(Schema.String),
  standard_concept: optionalNullableString,
}
/** A concept in short form, as lists and related-concept results carry it; fields beyond the id and name may be missing. */
export const ConceptSummary = openStruct(conceptSummaryFields)
export type ConceptSummary = typeof ConceptSummary.Type

/** One mapping row (`GET /concepts/{id}/mappings`, `POST /concepts/map`). */
export const Mapping = openStruct({
  source_concept_id: Schema.Number,
  source_concept_name: optionalNullableString,
  source_vocabulary_id: optionalNullableString,
  source_concept_code: optionalNullableString,
  target_concept_id: Schema.Number,
  target_concept_name: optionalNullableString,
  target_vocabulary_id: optionalNullableString,
  target_concept_code: optionalNullableString,
  target_domain_id: optionalNullableString,
  target_concept_class_id: optionalNullableString,
  target_standard_concept: optionalNullableString,
  relationship_id: Schema.String,
  confidence: optionalNullableNumber,
  mapping_type: optionalNullableString,
  invalid_reason: optionalNullableString,
})
export type Mapping = typeof Mapping.Type

const relatedConceptSide = openStruct({
  ...conceptSummaryFields,
  vocabulary_name: optionalNullableString,
  valid_start_date: optionalNullableString,
  valid_end_date: optionalNullableString,
  invalid_reason: optionalNullableString,
})

/** One row of `GET /concepts/{id}/relationships`; `concept_1` is the queried side. */
export const ConceptRelationship = openStruct({
  concept_id_1: Schema.Number,
  concept_id_2: Schema.Number,
  relationship_id: Schema.String,
  relationship_name: optionalNullableString,
  reverse_relationship_id: optionalNullableString,
  concept_1: Schema.optional(Schema.NullOr(relatedConceptSide)),
  concept_2: Schema.optional(Schema.NullOr(relatedConceptSide)),
  valid_start_date: optionalNullableString,
  valid_end_date: optionalNullableString,
  invalid_reason: optionalNullableString,
})
export type ConceptRelationship = typeof ConceptRelationship.Type
