/**
 * Sends one HTTP request and returns the whole response (status, headers, body text). It does no
 * retries, no timeouts and no status classification: the request pipeline owns all of that.
 * Interrupting the returned effect must abort the request in flight.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"

/** One HTTP request, fully built by the pipeline (URL, headers including `Authorization`, body). */
export interface TransportRequest {
  /** The HTTP method; OMOPHub uses only these two. */
  readonly method: "GET" | "POST"
  /** Absolute URL including the query string. Never contains credentials. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** JSON text for POST; the same bytes on every attempt. */
  readonly body?: string | undefined
}

/** A complete HTTP response, whatever its status. */
export interface TransportResponse {
  /** The HTTP status code. */
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The full body, read to the end. */
  readonly body: string
}

/** No complete response: connection refused or reset, DNS failure, body cut short. */
export class TransportFailure extends Data.TaggedError("TransportFailure")<{
  /** Sanitised: name and message of the underlying error only, never headers or the request object. */
  readonly description: string
}> {}

/** What an `HttpTransport` implementation provides. */
export interface HttpTransportShape {
  /**
   * Sends `request` once and reads the whole response; fails with `TransportFailure` only when no
   * complete response arrived (any HTTP status is a success here).
   */
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportFailure>
}

/**
 * How the pipeline sends requests. The default is `KyTransport.layer()` over `fetch`; provide your
 * own layer to use another HTTP client.
 */
export class HttpTransport extends Context.Service<HttpTransport, HttpTransportShape>()(
  "@omophub/core/HttpTransport",
) {}
