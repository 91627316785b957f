/**
 * Scripted misbehaviour. A fault matches requests by method and path, is consumed once per matching
 * request (in the order faults were added) and repeats `times` times. Faults run before auth and rate
 * limiting, so a scripted 503 is returned whatever key the client sends.
 */

/** Fields every fault accepts, whatever its `kind`. */
export interface FaultBase {
  /**
   * Which requests: `"GET /v1/concepts/:id"` (method + pattern; `:name` matches one segment, a
   * trailing `*` the rest), `"/v1/search"` (any method, path prefix at a segment boundary),
   * `"POST *"` or `"POST"` (method only), or `"*"` / omitted (any request).
   */
  readonly match?: string
  /** How many matching requests this fault applies to (default 1). */
  readonly times?: number
  /** Wait this long before acting (before the real handler for pass-through faults). */
  readonly delayMs?: number
  /** Headers added to (or overriding) the response; ignored by `hang` and `reset`. */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * One scripted misbehaviour for `SandboxControl.fault`: which requests it hits (`match`, `times`),
 * an optional `delayMs` and extra `headers`, and what happens, chosen by `kind`: an error `status`,
 * a raw non-JSON `body`, a `hang`, a connection `reset`, a `truncate`d or `slow-body` real
 * response, or `pass` (the real response, delayed or with headers). Also accepted as JSON by
 * `POST /_sandbox/faults`.
 */
export type FaultSpec = FaultBase &
  (
    | {
        /** Answer with this status and a JSON body (default: an error envelope for the status). */
        readonly kind: "status"
        readonly status: number
        readonly body?: unknown
        /** Adds `Retry-After`, as delta seconds (default) or an HTTP-date that many seconds ahead. */
        readonly retryAfter?: number | { readonly seconds: number; readonly format: "delta" | "http-date" }
      }
    | {
        /** Answer with a raw, non-JSON (or empty: `""`) body, e.g. an HTML 502 from a proxy. */
        readonly kind: "body"
        readonly status: number
        readonly body: string
        /** Default `text/html; charset=utf-8` for a non-empty body, none for an empty one. */
        readonly contentType?: string
      }
    | {
        /** Serve the real response, after `delayMs` and with `headers` applied. */
        readonly kind: "pass"
      }
    | {
        /** Never answer; the request ends when the client gives up or the sandbox closes. */
        readonly kind: "hang"
      }
    | {
        /** Drop the connection before the status line, or after the headers and part of the body. */
        readonly kind: "reset"
        readonly phase: "before-headers" | "after-headers"
      }
    | {
        /** Serve the real response with its full Content-Length but only `sendBytes` of it, then close. */
        readonly kind: "truncate"
        /** Bytes actually sent (default: half the body). */
        readonly sendBytes?: number
      }
    | {
        /** Serve the real response body in `chunks` pieces with `chunkDelayMs` between them. */
        readonly kind: "slow-body"
        readonly chunks?: number
        readonly chunkDelayMs: number
      }
  )

/** The fault kinds; the request log's `fault` field names the one applied to a request. */
export type FaultKind = FaultSpec["kind"]

const KINDS: ReadonlySet<string> = new Set([
  "status",
  "body",
  "pass",
  "hang",
  "reset",
  "truncate",
  "slow-body",
])

/** Rejects malformed specs up front (they also arrive as JSON over the control route). */
export const validateFault = (spec: FaultSpec): FaultSpec => {
  const fail = (message: string): never => {
    throw new TypeError(`Invalid fault: ${message}`)
  }
  if (spec === null || typeof spec !== "object") fail("expected an object")
  if (!KINDS.has(spec.kind)) fail(`kind must be one of ${[...KINDS].join(", ")}`)
  if (spec.match !== undefined && typeof spec.match !== "string") fail("match must be a string")
  const nonNegative = (name: string, value: unknown) => {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      fail(`${name} must be a non-negative number`)
    }
  }
  nonNegative("delayMs", spec.delayMs)
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    fail("times must be a positive integer")
  }
  if (spec.headers !== undefined) {
    if (typeof spec.headers !== "object" || spec.headers === null) fail("headers must be an object")
    for (const value of Object.values(spec.headers))
      if (typeof value !== "string") fail("header values are strings")
  }
  if (spec.kind === "status" || spec.kind === "body") {
    if (!Number.isInteger(spec.status) || spec.status < 200 || spec.status > 599)
      fail("status must be 200-599")
  }
  if (spec.kind === "body" && typeof spec.body !== "string") fail("body must be a string")
  if (spec.kind === "reset" && spec.phase !== "before-headers" && spec.phase !== "after-headers") {
    fail('phase must be "before-headers" or "after-headers"')
  }
  if (spec.kind === "truncate") nonNegative("sendBytes", spec.sendBytes)
  if (spec.kind === "slow-body") {
    nonNegative("chunkDelayMs", spec.chunkDelayMs)
    if (spec.chunks !== undefined && (!Number.isInteger(spec.chunks) || spec.chunks < 1)) {
      fail("chunks must be a positive integer")
    }
  }
  if (spec.kind === "status" && spec.retryAfter !== undefined) {
    const seconds = typeof spec.retryAfter === "number" ? spec.retryAfter : spec.retryAfter.seconds
    nonNegative("retryAfter", seconds)
  }
  return spec
}

interface Matcher {
  readonly method: string | undefined
  readonly test: (path: string) => boolean
}

const compileMatch = (match: string | undefined): Matcher => {
  const text = (match ?? "*").trim()
  const space = text.indexOf(" ")
  // "POST" alone is a method; anything else without a space is a path.
  const methodOnly = space === -1 && /^[A-Za-z]+$/.test(text)
  const [methodPart, pathPart] = methodOnly
    ? [text, "*"]
    : space === -1
      ? [undefined, text]
      : [text.slice(0, space), text.slice(space + 1).trim()]
  const method = methodPart === undefined || methodPart === "*" ? undefined : methodPart.toUpperCase()
  if (pathPart === "*" || pathPart === "") return { method, test: () => true }
  const patternSegments = pathPart.split("/").filter((s) => s !== "")
  const isPattern = patternSegments.some((s) => s.startsWith(":") || s === "*")
  return {
    method,
    test: (path) => {
      const segments = path.split("/").filter((s) => s !== "")
      if (!isPattern) {
        return patternSegments.every((s, i) => segments[i] === s)
      }
      for (let i = 0; i < patternSegments.length; i++) {
        const want = patternSegments[i]!
        if (want === "*" && i === patternSegments.length - 1) return segments.length >= i
        const got = segments[i]
        if (got === undefined) return false
        if (!want.startsWith(":") && want !== "*" && want !== got) return false
      }
      return segments.length === patternSegments.length
    },
  }
}

interface PendingFault {
  readonly spec: FaultSpec
  readonly matcher: Matcher
  remaining: number
}

/** The pending faults of one sandbox, in the order added (`SandboxControl.faultQueue`). */
export class FaultQueue {
  #pending: PendingFault[] = []

  /** Validates `spec` (throws `TypeError` when malformed) and queues it for `spec.times` uses. */
  add(spec: FaultSpec): void {
    validateFault(spec)
    this.#pending.push({ spec, matcher: compileMatch(spec.match), remaining: spec.times ?? 1 })
  }

  /** Takes one use of the first fault matching the request, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    if (this.#pending.length === 0) return undefined
    const upper = method.toUpperCase()
    const index = this.#pending.findIndex(
      (f) => (f.matcher.method === undefined || f.matcher.method === upper) && f.matcher.test(path),
    )
    if (index === -1) return undefined
    const fault = this.#pending[index]!
    fault.remaining--
    if (fault.remaining === 0) this.#pending.splice(index, 1)
    return fault.spec
  }

  /** Faults still waiting, with the uses left. */
  pending(): Array<FaultSpec & { readonly remaining: number }> {
    return this.#pending.map((f) => ({ ...f.spec, remaining: f.remaining }))
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#pending = []
  }
}
