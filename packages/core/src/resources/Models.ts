/**
 * Response object schemas shared by several endpoints. Field names stay the API's snake_case.
 * Every object schema keeps fields it does not declare (the API adds fields over time), and the
 * declared ones are as loose as the observed wire allows (optional where some sources omit them).
 *
 * @module
 */
import * as Schema from "effect/Schema"

const rest = [Schema.Record(Schema.String, Schema.Unknown)] as const

/** An object schema that also keeps undeclared fields. */
export const openStruct = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.StructWithRest(Schema.Struct(fields), rest)

const optionalNullableString = Schema.optional(Schema.NullOr(Schema.String))

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
  synonyms: Schema.optional(Schema.Array(Schema.Unknown)),
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
