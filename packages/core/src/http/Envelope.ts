/**
 * Decodes the success envelope `{ success, data, meta }` with an operation's `data` schema. Extra
 * fields are allowed anywhere; a mismatch becomes a `DecodeError` whose `path` points at it, e.g.
 * `data.concept_id` or `data.concepts[3].concept_name`. Messages never include body text beyond the
 * schema's own description of the mismatch.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaParser from "effect/SchemaParser"
import { DecodeError } from "../Errors.ts"
import { PaginationSchema } from "../resources/Models.ts"
import type { ResponseMeta } from "../resources/Operation.ts"

const Meta = Schema.Struct({
  request_id: Schema.optional(Schema.NullOr(Schema.String)),
  timestamp: Schema.optional(Schema.NullOr(Schema.String)),
  vocab_release: Schema.optional(Schema.NullOr(Schema.String)),
  pagination: Schema.optional(Schema.NullOr(PaginationSchema)),
})

/** `data.concepts[3].concept_name` from `["data", "concepts", 3, "concept_name"]`. */
export const formatIssuePath = (path: ReadonlyArray<unknown>): string =>
  path.reduce<string>((text, segment) => {
    // Standard Schema allows `{ key }` objects as path segments.
    const key = typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment
    if (typeof key === "number") return `${text}[${key}]`
    const name = String(key)
    return text === "" ? name : `${text}.${name}`
  }, "")

const standardFormatter = SchemaIssue.makeFormatterStandardSchemaV1()

export interface DecodeContext {
  readonly operation: string
  readonly status: number
  readonly requestId?: string | undefined
}

export interface DecodedEnvelope<Data> {
  readonly data: Data
  readonly meta: ResponseMeta
}

const decodeError = (context: DecodeContext, message: string, path?: string) =>
  new DecodeError({
    message,
    operation: context.operation,
    status: context.status,
    requestId: context.requestId,
    path,
    retryable: false,
  })

const withoutNulls = (meta: typeof Meta.Type): ResponseMeta => ({
  request_id: meta.request_id ?? undefined,
  timestamp: meta.timestamp ?? undefined,
  vocab_release: meta.vocab_release ?? undefined,
  pagination: meta.pagination ?? undefined,
})

/** Builds a decoder for envelopes whose `data` matches `data`. */
export const makeEnvelopeDecoder = <Data>(data: Schema.Decoder<Data>) => {
  const envelope = Schema.Struct({
    success: Schema.optional(Schema.Boolean),
    data,
    meta: Schema.optional(Schema.NullOr(Meta)),
  })
  const parse = SchemaParser.decodeUnknownEffect(envelope)
  return (body: string, context: DecodeContext): Effect.Effect<DecodedEnvelope<Data>, DecodeError> =>
    Effect.suspend(() => {
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        return Effect.fail(
          decodeError(
            context,
            `${context.operation}: the response body is not valid JSON (${body.length} characters)`,
          ),
        )
      }
      return parse(json).pipe(
        Effect.map(
          (decoded): DecodedEnvelope<Data> => ({
            data: decoded.data,
            meta: decoded.meta ? withoutNulls(decoded.meta) : {},
          }),
        ),
        Effect.mapError((issue) => {
          const first = standardFormatter(issue).issues[0]
          const path = first ? formatIssuePath(first.path ?? []) : undefined
          const where = path === undefined || path === "" ? "the response body" : path
          return decodeError(
            context,
            `${context.operation}: unexpected response at ${where}: ${first?.message ?? "does not match"}`,
            path === "" ? undefined : path,
          )
        }),
      )
    })
}
