/**
 * Every request the sandbox saw (faulted and rejected ones included), for tests to inspect what a
 * client really sent. Authorization values are redacted before they leave the log.
 *
 * Recording is cheap on purpose: a `RequestRecord` keeps references to what the request already
 * holds (URL string, headers — on Node the raw name/value pairs, not the request — and body text)
 * and only parses, copies and redacts them when someone reads the log, so a busy sandbox pays
 * almost nothing for it.
 */
import type { FaultKind } from "./Faults.ts"

/**
 * One request as the sandbox received it, from `sandbox.requests()`: what the client really sent
 * (method, path, query, headers with `Authorization` redacted, body) and how it was answered.
 */
export interface LoggedRequest {
  /** The request id (also the `x-request-id` response header). */
  readonly id: string
  /** HTTP method, upper case. */
  readonly method: string
  /** Path as received, before slash normalisation, without the query string. */
  readonly path: string
  /** Decoded query parameters; a repeated parameter keeps its last value. */
  readonly query: Readonly<Record<string, string>>
  /** Lower-cased header names; `authorization` is `Bearer [redacted]`. */
  readonly headers: Readonly<Record<string, string>>
  /** Request body as text (`""` when there is none). */
  readonly body: string
  /** When the request arrived, ISO 8601. */
  readonly receivedAt: string
  /** Response status; `null` while in flight or when no status line was sent (hang, reset). */
  status: number | null
  /** Fault applied to this request, if any. */
  fault: FaultKind | undefined
  /** Name or fingerprint of the API key that authenticated the request. */
  key: string | undefined
  /** Milliseconds until the response was produced (its body may still stream); `undefined` in flight. */
  durationMs: number | undefined
}

export const redactHeaders = (headers: Headers): Record<string, string> => {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => {
    record[name] =
      name === "authorization" || name === "proxy-authorization" ? redactAuthorization(value) : value
  })
  return record
}

const redactAuthorization = (value: string): string => {
  const scheme = /^\s*(\S+)\s/.exec(value)?.[1]
  return scheme === undefined ? "[redacted]" : `${scheme} [redacted]`
}

/**
 * One request as recorded while it is served; `toLogged()` builds the public entry. Only the app
 * creates these; tests read `LoggedRequest`s instead.
 */
export class RequestRecord {
  readonly id: string
  readonly method: string
  readonly url: string
  readonly body: string
  readonly receivedAtMs: number
  status: number | null = null
  fault: FaultKind | undefined = undefined
  key: string | undefined = undefined
  durationMs: number | undefined = undefined
  /** The request's `Headers`, or its raw name/value pairs (kept instead of the request on Node). */
  #headers: Headers | ReadonlyArray<string>

  /**
   * Made by the app for each incoming request. `headers` may be the raw name/value pairs as
   * received (Node's `rawHeaders`): the log then holds a few strings per entry instead of the whole
   * request object, which keeps a busy sandbox's garbage collector quiet.
   */
  constructor(
    id: string,
    method: string,
    url: string,
    headers: Headers | ReadonlyArray<string>,
    body: string,
    receivedAtMs: number,
  ) {
    this.id = id
    this.method = method
    this.url = url
    this.#headers = headers
    this.body = body
    this.receivedAtMs = receivedAtMs
  }

  /** The request headers, as the app saw them. */
  get headers(): Headers {
    const headers = this.#headers
    if (!Array.isArray(headers)) return headers as Headers
    // What a Fetch runtime builds from raw pairs (HTTP/2 pseudo-headers are not headers).
    const built = new Headers()
    for (let index = 0; index + 1 < headers.length; index += 2) {
      const name = headers[index]!
      if (!name.startsWith(":")) built.append(name, headers[index + 1]!)
    }
    this.#headers = built
    return built
  }

  /** Path as received (the URL parser's view, as clients see it), without the query string. */
  get path(): string {
    return new URL(this.url).pathname
  }

  /** The public, redacted entry: query parsed, `Authorization` masked. */
  toLogged(): LoggedRequest {
    const url = new URL(this.url)
    return {
      id: this.id,
      method: this.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(this.headers),
      body: this.body,
      receivedAt: new Date(this.receivedAtMs).toISOString(),
      status: this.status,
      fault: this.fault,
      key: this.key,
      durationMs: this.durationMs,
    }
  }
}

/** A long-running CLI sandbox must not grow without bound; tests never come near this. */
export const DEFAULT_LOG_CAPACITY = 10_000

/** The request log of one sandbox (`SandboxControl.log`), keeping the newest entries up to a capacity. */
export class RequestLog {
  #entries: RequestRecord[] = []
  readonly #capacity: number

  /** Keeps at most `capacity` entries (default 10,000). */
  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.#capacity = capacity
  }

  /** Appends; beyond the capacity the oldest entries are dropped (in chunks, to keep this O(1)). */
  add(entry: RequestRecord): void {
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity * 1.1) this.#entries = this.#entries.slice(-this.#capacity)
  }

  /** Oldest first; at most the capacity. Each call returns fresh copies. */
  entries(): LoggedRequest[] {
    return this.#entries.slice(-this.#capacity).map((record) => record.toLogged())
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries = []
  }
}
