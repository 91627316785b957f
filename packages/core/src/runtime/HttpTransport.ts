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

export interface TransportRequest {
  readonly method: "GET" | "POST"
  /** Absolute URL including the query string. Never contains credentials. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** JSON text for POST; the same bytes on every attempt. */
  readonly body?: string | undefined
}

export interface TransportResponse {
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

export interface HttpTransportShape {
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportFailure>
}

export class HttpTransport extends Context.Service<HttpTransport, HttpTransportShape>()(
  "@omophub/core/HttpTransport",
) {}
