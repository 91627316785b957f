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
 * Request ids: `req_` + 32 hex digits, a random per-process prefix plus a counter. Unique within the
 * process and practically across processes, without drawing randomness for every request.
 */
const requestIdPrefix = `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`
let requestCounter = 0

/** The next request's sequence number (its id is `requestIdOf(sequence)`). */
export const nextRequestSequence = (): number => requestCounter++

/** The request id of a sequence number: the prefix and the number as 12 hex digits. */
export const requestIdOf = (sequence: number): string =>
  `${requestIdPrefix}${sequence.toString(16).padStart(12, "0")}`

/** Reception times are kept relative to this (small integers, not boxed numbers, for weeks). */
const timeBase = Date.now()

/**
 * One request as recorded while it is served; `toLogged()` builds the public entry. Only the app
 * creates these; tests read `LoggedRequest`s instead.
 *
 * An entry outlives its request (the log keeps the last 10,000), so it holds as little as it can:
 * the request's sequence number instead of its id string, its reception time as a small integer,
 * on Node the request target as received instead of the joined URL, and raw header pairs shared
 * with the previous entry when they are the same (a client sends the same headers over and over).
 * Everything else is derived when the log is read.
 */
export class RequestRecord {
  readonly method: string
  readonly body: string
  status: number | null = null
  fault: FaultKind | undefined = undefined
  key: string | undefined = undefined
  durationMs: number | undefined = undefined
  readonly #sequence: number
  /** `url` is `#origin + #target` (or `#target` alone when `#origin` is empty). */
  readonly #origin: string
  readonly #target: string
  /** `receivedAtMs - timeBase`. */
  readonly #received: number
  /** The request's `Headers`, or its raw name/value pairs (kept instead of the request on Node). */
  #headers: Headers | ReadonlyArray<string>

  /**
   * Made by the app for each incoming request. `headers` may be the raw name/value pairs as
   * received (Node's `rawHeaders`): the log then holds a few strings per entry instead of the whole
   * request object, which keeps a busy sandbox's garbage collector quiet. `origin` + `target` is
   * the request URL (`origin` may be "" with `target` the whole URL).
   */
  constructor(
    sequence: number,
    method: string,
    origin: string,
    target: string,
    headers: Headers | ReadonlyArray<string>,
    body: string,
    receivedAtMs: number,
  ) {
    this.#sequence = sequence
    this.method = method
    this.#origin = origin
    this.#target = target
    this.#headers = headers
    this.body = body
    this.#received = receivedAtMs - timeBase
  }

  /** The request id (also the `x-request-id` response header). */
  get id(): string {
    return requestIdOf(this.#sequence)
  }

  /** The full request URL. */
  get url(): string {
    return this.#origin === "" ? this.#target : this.#origin + this.#target
  }

  /** When the request arrived (`Date.now()`). */
  get receivedAtMs(): number {
    return timeBase + this.#received
  }

  /** The raw header pairs when the record holds them (to share with the next record), else undefined. */
  get rawHeaders(): ReadonlyArray<string> | undefined {
    const headers = this.#headers
    return Array.isArray(headers) ? (headers as ReadonlyArray<string>) : undefined
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

/** Same strings, pair for pair (short arrays: a handful of headers). */
const sameHeaders = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * The request log of one sandbox (`SandboxControl.log`), keeping the newest entries up to a capacity
 * in a ring (no copying when full: the newest entry replaces the oldest).
 */
export class RequestLog {
  #ring: RequestRecord[] = []
  /** Entries added since the last `clear`; the next one goes to `#added % capacity`. */
  #added = 0
  readonly #capacity: number
  /** The origin of the last recorded URL (most requests share it). */
  #origin = ""

  /** Keeps at most `capacity` entries (default 10,000). */
  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.#capacity = Math.max(1, Math.floor(capacity))
  }

  /**
   * Records a request. `target` is the request target as received (`/path?query`), when known: the
   * entry then keeps that and a shared origin instead of the joined URL. Raw header pairs equal to
   * the previous entry's are replaced by that entry's (the same strings, kept once).
   */
  record(
    sequence: number,
    method: string,
    url: string,
    target: string | undefined,
    headers: Headers | ReadonlyArray<string>,
    body: string,
    receivedAtMs: number,
  ): RequestRecord {
    let origin = ""
    let rest = url
    if (target !== undefined && target.length < url.length && url.endsWith(target)) {
      const originLength = url.length - target.length
      origin = this.#origin
      if (origin.length !== originLength || !url.startsWith(origin)) {
        // A new origin (first request, another Host header).
        origin = url.slice(0, originLength)
        this.#origin = origin
      }
      rest = target
    }
    let kept = headers
    if (Array.isArray(headers)) {
      const previous = this.#added === 0 ? undefined : this.#ring[(this.#added - 1) % this.#capacity]
      const previousHeaders = previous?.rawHeaders
      if (previousHeaders !== undefined && sameHeaders(previousHeaders, headers)) kept = previousHeaders
    }
    const entry = new RequestRecord(sequence, method, origin, rest, kept, body, receivedAtMs)
    this.add(entry)
    return entry
  }

  /** Appends; beyond the capacity the oldest entry is replaced. */
  add(entry: RequestRecord): void {
    const ring = this.#ring
    if (ring.length < this.#capacity) ring.push(entry)
    else ring[this.#added % this.#capacity] = entry
    this.#added++
  }

  /** Oldest first; at most the capacity. Each call returns fresh copies. */
  entries(): LoggedRequest[] {
    const ring = this.#ring
    if (ring.length < this.#capacity) return ring.map((record) => record.toLogged())
    const oldest = this.#added % this.#capacity
    const ordered = ring.slice(oldest).concat(ring.slice(0, oldest))
    return ordered.map((record) => record.toLogged())
  }

  /** Drops every entry. */
  clear(): void {
    this.#ring = []
    this.#added = 0
  }
}
