/**
 * Every request the sandbox saw (faulted and rejected ones included), for tests to inspect what a
 * client really sent. Authorization values are redacted before they are stored.
 */
import type { FaultKind } from "./Faults.ts"

export interface LoggedRequest {
  /** The request id (also the `x-request-id` response header). */
  readonly id: string
  readonly method: string
  /** Path as received, before slash normalisation, without the query string. */
  readonly path: string
  /** Decoded query parameters; a repeated parameter keeps its last value. */
  readonly query: Readonly<Record<string, string>>
  /** Lower-cased header names; `authorization` is `Bearer [redacted]`. */
  readonly headers: Readonly<Record<string, string>>
  /** Request body as text (`""` when there is none). */
  readonly body: string
  readonly receivedAt: string
  /** Response status; `null` while in flight or when no status line was sent (hang, reset). */
  status: number | null
  /** Fault applied to this request, if any. */
  fault: FaultKind | undefined
  /** Name or fingerprint of the API key that authenticated the request. */
  key: string | undefined
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

/** A long-running CLI sandbox must not grow without bound; tests never come near this. */
export const DEFAULT_LOG_CAPACITY = 10_000

export class RequestLog {
  #entries: LoggedRequest[] = []
  readonly #capacity: number

  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.#capacity = capacity
  }

  /** Appends; beyond the capacity the oldest entries are dropped (in chunks, to keep this O(1)). */
  add(entry: LoggedRequest): void {
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity * 1.1) this.#entries = this.#entries.slice(-this.#capacity)
  }

  /** Oldest first; at most the capacity. */
  entries(): LoggedRequest[] {
    return this.#entries.slice(-this.#capacity).map((e) => ({ ...e }))
  }

  clear(): void {
    this.#entries = []
  }
}
