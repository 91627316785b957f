/**
 * The default `HttpTransport`: one HTTP exchange through ky over `fetch`, with every ky policy
 * switched off (no retries, no timeout, no throwing on error statuses) because the request pipeline
 * owns them. Interrupting the effect aborts the fetch through the `AbortSignal` Effect provides.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ky from "ky"
import {
  HttpTransport,
  type HttpTransportShape,
  TransportFailure,
  type TransportRequest,
  type TransportResponse,
} from "../runtime/HttpTransport.ts"

/** A `fetch`-compatible function, e.g. one that goes through a proxy, or a test double. */
export type FetchFunction = (input: Request | URL | string, init?: RequestInit) => Promise<Response>

/** Options of the default transport's layer. */
export interface KyTransportOptions {
  /**
   * The fetch to use (a proxy-aware one, a test double). Default `globalThis.fetch`, looked up per
   * request. It is called as fetch is: with ky's `Request` (method, URL, body) and an `init` holding
   * the request's headers and abort signal, which apply over the Request's (as `fetch(request, init)`
   * does). A wrapper must pass `init` on, or build its Request with it (`new Request(input, init)`).
   */
  readonly fetch?: FetchFunction | undefined
}

const nameAndMessage = (u: unknown): string | undefined => {
  if (u instanceof Error) {
    const code = (u as { code?: unknown }).code
    return `${u.name}${typeof code === "string" ? ` (${code})` : ""}: ${u.message}`
  }
  return typeof u === "string" ? u : undefined
}

/**
 * Name and message of a failure and of its `cause` chain (fetch puts the useful part, e.g.
 * `ECONNREFUSED`, in the cause). Never the error objects themselves: ky errors carry the request and
 * its options, headers included. Any occurrence of the Authorization value is blanked as a last guard.
 */
export const describeFailure = (error: unknown, authorization: string | undefined): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const part = nameAndMessage(current)
    if (part === undefined) break
    parts.push(part)
    current = current instanceof Error ? current.cause : undefined
  }
  // ky's messages quote the filled URL (search text, codes); errors and spans name the route instead.
  let description = (parts.length === 0 ? "unknown transport failure" : parts.join(" <- ")).replace(
    /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi,
    "[url]",
  )
  const secret = authorization?.replace(/^Bearer\s+/i, "")
  if (secret !== undefined && secret !== "") description = description.split(secret).join("[redacted]")
  return description.length > 500 ? `${description.slice(0, 500)}…` : description
}

const readHeaders = (headers: Headers): Record<string, string> => {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => {
    record[name.toLowerCase()] = value
  })
  return record
}

const isEmpty = (record: object): boolean => {
  for (const _ in record) return false
  return true
}

/** A transport that sends through ky and the given (or global) fetch. */
export const makeKyTransport = (options: KyTransportOptions = {}): HttpTransportShape => {
  const custom = options.fetch
  const send = async (request: TransportRequest, signal: AbortSignal): Promise<TransportResponse> => {
    // The headers and the `signal` are handed to fetch itself, together, rather than to ky: fetch
    // makes its own Request from ky's anyway (so the headers given here replace those of ky's
    // Request), and through ky they would be copied three more times (option merging, ky's header
    // merging, ky's Request). The signal given to ky would be combined with ky's own through
    // `AbortSignal.any` on every call; ky's own signal only serves its timeout, which is off.
    const init = { headers: request.headers, signal }
    const fetch = (input: Request | URL | string, kyInit?: RequestInit) => {
      // ky passes its non-standard options on (usually none).
      const merged = kyInit === undefined || isEmpty(kyInit) ? init : { ...kyInit, ...init }
      return custom === undefined ? globalThis.fetch(input, merged) : custom(input, merged)
    }
    // ky's policies, all off (the request pipeline owns retries, timeouts and status handling).
    // Options ky would only fill with its defaults are left out: ky merges every key it is given.
    const response = await ky(
      request.url,
      request.method === "GET" && request.body === undefined
        ? { retry: 0, timeout: false, throwHttpErrors: false, fetch }
        : {
            retry: 0,
            timeout: false,
            throwHttpErrors: false,
            method: request.method,
            body: request.body,
            fetch,
          },
    )
    const body = await response.text()
    return { status: response.status, headers: readHeaders(response.headers), body }
  }
  return {
    send: (request: TransportRequest): Effect.Effect<TransportResponse, TransportFailure> =>
      Effect.tryPromise({
        // The `signal` parameter must be declared: Effect only creates an AbortController for
        // callbacks that take one, and it is what aborts the fetch on interruption.
        try: (signal: AbortSignal) => send(request, signal),
        catch: (error) =>
          new TransportFailure({ description: describeFailure(error, request.headers.authorization) }),
      }),
  }
}

/** The `HttpTransport` layer backed by ky. */
export const layer = (options: KyTransportOptions = {}): Layer.Layer<HttpTransport> =>
  Layer.succeed(HttpTransport, HttpTransport.of(makeKyTransport(options)))
