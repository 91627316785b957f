/**
 * The operation descriptor: everything the request pipeline needs to know about one endpoint, as
 * data. Resources (`Concepts.ts`, `Search.ts`, ...) are lists of these; the pipeline does the work
 * (validation, URL building, credentials, rate limits, retries, decoding, spans).
 *
 * ## Pagination convention (descriptors with `pagination: "page"`)
 *
 * The clients generate `<name>Iter`, `<name>Pages` and `<name>All` for every method whose operation
 * has a `pageItems` function (give it exactly on the `pagination: "page"` descriptors; its return
 * type becomes the item type of the generated variants). A paged descriptor must:
 * 1. accept `page` (1-based) and `pageSize` in the method's trailing options object, and `toInput`
 *    must pass them through: the paginator calls the method again with `{ ...options, page: n }`;
 * 2. return an output OBJECT (never a bare array) that carries the envelope's `meta.pagination` as
 *    `pagination` (`undefined` when the server sent none), e.g. `{ concepts, pagination }`;
 * 3. give `pageItems: (output) => output.concepts` (the page's items, in order).
 * The walk stops on `has_next: false`; without pagination meta it stops on an empty or short page
 * (fewer items than `page_size` / the requested `pageSize` / the first page's size). See
 * `client/Pagination.ts`.
 *
 * @module
 */
import type * as Schema from "effect/Schema"
import type { Checker } from "./Validate.ts"

/** The HTTP methods OMOPHub endpoints use. */
export type HttpMethod = "GET" | "POST"

/** One query value as an operation hands it over; the pipeline encodes it (see `RequestBuilder.ts`). */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | null | undefined

/** The wire form of a call's input. */
export interface EncodedInput {
  /** Values for the `{name}` placeholders of the path template; each becomes exactly one segment. */
  readonly path?: Readonly<Record<string, string | number>> | undefined
  /** Keys in camelCase (converted to snake_case on the wire) or already snake_case. */
  readonly query?: Readonly<Record<string, QueryValue>> | undefined
  /** JSON body (POST only), serialised once so every attempt sends the same bytes. */
  readonly body?: unknown
}

/** The success envelope's `meta.pagination`. */
export interface Pagination {
  readonly page?: number | undefined
  readonly page_size?: number | undefined
  readonly total_items?: number | undefined
  readonly total_pages?: number | undefined
  readonly has_next?: boolean | undefined
  readonly has_previous?: boolean | undefined
}

/** The success envelope's `meta`, as far as the SDK reads it. */
export interface ResponseMeta {
  readonly request_id?: string | undefined
  readonly timestamp?: string | undefined
  readonly vocab_release?: string | undefined
  readonly pagination?: Pagination | undefined
}

/**
 * One endpoint described as data: route, input checks and encoding, response schema and output
 * shaping. `RequestPipeline.execute` runs it; build your own with `makeOperation` to call an
 * endpoint the SDK does not wrap.
 */
export interface Operation<Input, Data, Output, Item = never> {
  /** e.g. `concepts`; with `name` gives the span `omophub.concepts.get` and the error's `operation`. */
  readonly resource: string
  /** e.g. `get`. */
  readonly name: string
  /** The HTTP method. */
  readonly method: HttpMethod
  /** Route template relative to the base URL, e.g. `/concepts/{concept_id}`. Used as-is in spans. */
  readonly path: string
  /**
   * Whether replaying the request after a 5xx or a network failure cannot change server state.
   * True for every OMOPHub endpoint (its POSTs are read-only queries).
   */
  readonly safeToReplay: boolean
  /** How a later paginator walks the results. */
  readonly pagination: "none" | "page"
  /** Checks the caller's input (recording issues on `check`) and maps it to the wire. */
  readonly encode: (input: Input, check: Checker) => EncodedInput
  /** Decodes the envelope's `data`. Lenient to extra fields. */
  readonly data: Schema.Decoder<Data>
  /** Shapes the decoded data (and meta) into what the caller gets. */
  readonly output: (data: Data, meta: ResponseMeta) => Output
  /**
   * Paged operations: the items of one page of output (see the pagination convention above). The
   * output must also carry `pagination` (the envelope's `meta.pagination`).
   */
  readonly pageItems?: ((output: Output) => ReadonlyArray<Item>) | undefined
}

/** Identity helper that infers the descriptor's type parameters. */
export const makeOperation = <Input, Data, Output, Item = never>(
  operation: Operation<Input, Data, Output, Item>,
): Operation<Input, Data, Output, Item> => operation

/** `resource.name`, as used in errors and logs. */
export const operationId = (
  operation: Pick<Operation<never, unknown, unknown>, "resource" | "name">,
): string => `${operation.resource}.${operation.name}`

/**
 * A client method: an operation plus how the method's positional arguments and its trailing
 * options object become the operation's input. Every method takes its positional arguments first
 * and one optional options object last, so both clients can derive their signatures from this.
 */
export interface Method<Args extends ReadonlyArray<unknown>, Options, Input, Data, Output, Item = never> {
  /** The endpoint the method calls. */
  readonly operation: Operation<Input, Data, Output, Item>
  /** How many positional arguments come before the options object. */
  readonly arity: Args["length"]
  /** Builds the operation's input from the positional arguments and the options object. */
  readonly toInput: (args: Args, options: Options | undefined) => Input
}

/** Any method, for records of methods. */
// biome-ignore lint/suspicious/noExplicitAny: variance escape hatch for heterogeneous method records
export type AnyMethod = Method<any, any, any, any, any, any>

/** Declares a client method over an operation (see {@link Method}). */
export const method = <const Args extends ReadonlyArray<unknown>, Options, Input, Data, Output, Item = never>(
  operation: Operation<Input, Data, Output, Item>,
  arity: Args["length"],
  toInput: (args: Args, options: Options | undefined) => Input,
): Method<Args, Options, Input, Data, Output, Item> => ({ operation, arity, toInput })
