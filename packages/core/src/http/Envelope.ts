/**
 * Decodes the success envelope `{ success, data, meta }` with an operation's `data` schema. Extra
 * fields are allowed anywhere; a mismatch becomes a `DecodeError` whose `path` points at it, e.g.
 * `data.concept_id` or `data.concepts[3].concept_name`. Messages never include body text beyond the
 * schema's own description of the mismatch.
 *
 * @module
 */
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
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

const notJson = (context: DecodeContext, body: string) =>
  decodeError(
    context,
    `${context.operation}: the response body is not valid JSON (${body.length} characters)`,
  )

const mismatch = (context: DecodeContext, issue: SchemaIssue.Issue) => {
  const first = standardFormatter(issue).issues[0]
  const path = first ? formatIssuePath(first.path ?? []) : undefined
  const where = path === undefined || path === "" ? "the response body" : path
  return decodeError(
    context,
    `${context.operation}: unexpected response at ${where}: ${first?.message ?? "does not match"}`,
    path === "" ? undefined : path,
  )
}

const isMetaText = (value: unknown) => value === undefined || value === null || typeof value === "string"

/**
 * Builds a decoder for envelopes whose `data` matches `data`. Schemas are compiled once and run
 * synchronously (the operation schemas need no services). The fast path decodes only `data` with
 * the operation's schema and checks the few `meta` fields by hand; anything unexpected falls back to
 * the full envelope schema, so a mismatch is reported exactly as the envelope schema reports it.
 */
export const makeEnvelopeDecoder = <Data>(data: Schema.Decoder<Data>) => {
  const envelope = Schema.Struct({
    success: Schema.optional(Schema.Boolean),
    data,
    meta: Schema.optional(Schema.NullOr(Meta)),
  })
  const parseEnvelope = SchemaParser.decodeUnknownResult(envelope)
  const parseData = SchemaParser.decodeUnknownResult(data)
  const parsePagination = SchemaParser.decodeUnknownResult(PaginationSchema)

  const slow = (json: unknown, context: DecodeContext): Exit.Exit<DecodedEnvelope<Data>, DecodeError> => {
    const result = parseEnvelope(json)
    if (Result.isFailure(result)) return Exit.fail(mismatch(context, result.failure))
    const decoded = result.success
    return Exit.succeed({ data: decoded.data, meta: decoded.meta ? withoutNulls(decoded.meta) : {} })
  }

  /** `meta` checked by hand, or `undefined` when it needs the full schema. */
  const readMeta = (meta: unknown): ResponseMeta | undefined => {
    if (meta === undefined || meta === null) return {}
    if (typeof meta !== "object" || Array.isArray(meta)) return undefined
    const m = meta as Record<string, unknown>
    if (!isMetaText(m.request_id) || !isMetaText(m.timestamp) || !isMetaText(m.vocab_release))
      return undefined
    let pagination: ResponseMeta["pagination"]
    if (m.pagination !== undefined && m.pagination !== null) {
      const result = parsePagination(m.pagination)
      if (Result.isFailure(result)) return undefined
      pagination = result.success
    }
    return {
      request_id: (m.request_id as string | null | undefined) ?? undefined,
      timestamp: (m.timestamp as string | null | undefined) ?? undefined,
      vocab_release: (m.vocab_release as string | null | undefined) ?? undefined,
      pagination,
    }
  }

  return (body: string, context: DecodeContext): Exit.Exit<DecodedEnvelope<Data>, DecodeError> => {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return Exit.fail(notJson(context, body))
    }
    if (typeof json !== "object" || json === null || Array.isArray(json) || !("data" in json)) {
      return slow(json, context)
    }
    const envelopeObject = json as { success?: unknown; data: unknown; meta?: unknown }
    if (envelopeObject.success !== undefined && typeof envelopeObject.success !== "boolean") {
      return slow(json, context)
    }
    const meta = readMeta(envelopeObject.meta)
    if (meta === undefined) return slow(json, context)
    const decoded = parseData(envelopeObject.data)
    if (Result.isFailure(decoded)) return slow(json, context)
    return Exit.succeed({ data: decoded.success, meta })
  }
}
