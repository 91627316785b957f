/**
 * The sandbox as a runtime-neutral Hono app: request ids, CORS, request log, control routes, fault
 * injection, auth, rate limits and release selection in front of the /v1 endpoint handlers.
 */
import { type Context, Hono, type Next } from "hono"
import { HTTPException } from "hono/http-exception"
import { getPath } from "hono/utils/url"
import type { VocabularyRelease } from "../data/Release.ts"
import { ApiFailure, errorBody, respond } from "../http/Envelope.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { registerV1Routes } from "../routes/index.ts"
import { controlRoutes, SandboxControl } from "./Control.ts"
import { applyFault, codeForStatus } from "./FaultInjection.ts"
import { type ApiKeyRecord, DEFAULT_SANDBOX_KEY } from "./Keys.ts"
import type { RateLimitOptions } from "./RateLimiter.ts"
import { RELEASE_HEADERS, ReleaseRegistry } from "./Releases.ts"
import { RequestRecord } from "./RequestLog.ts"

/**
 * What `createApp` serves: the loaded releases, which keys it accepts, rate limits, and whether the
 * HTTP control routes are mounted. `start` builds one from its `SandboxOptions`.
 */
export interface AppConfig {
  /** Loaded releases (see `loadReleases`); at least one. */
  readonly releases: readonly VocabularyRelease[]
  /** Name of the release served when a request names none (default `2025.2`, else the first). */
  readonly defaultRelease?: string
  /** Accepted keys. Empty or omitted: only `DEFAULT_SANDBOX_KEY` (`oh_sandbox_key`) is accepted. */
  readonly keys?: ReadonlyArray<string | ApiKeyRecord>
  /** Status for unknown or revoked keys (default 401; the docs say 403). */
  readonly invalidKeyStatus?: 401 | 403
  /** Per-key limits; off when omitted. */
  readonly rateLimit?: RateLimitOptions
  /** Mount the HTTP control routes at `/_sandbox/*` (default false). */
  readonly control?: boolean
  /** Receives one line per finished request (never containing a key). */
  readonly log?: (line: string) => void
}

/** The sandbox server built by `createApp`, not yet listening on any socket. */
export interface SandboxApp {
  /** The Hono app: serve with `app.fetch(request)` or `app.request(path)`, or mount it in your server. */
  readonly app: Hono<SandboxEnv>
  /** Faults, keys, rate limits and the request log of this app. */
  readonly control: SandboxControl
  /** The releases served and how a request selects one. */
  readonly releases: ReleaseRegistry
  /** The key accepted when none were configured, else undefined. */
  readonly defaultKey: string | undefined
}

/**
 * Path prefix of the HTTP control routes (`/_sandbox/requests`, `/_sandbox/faults`, `/_sandbox/keys`,
 * `/_sandbox/rate-limit`, `/_sandbox/reset`), mounted only with `control: true`. Requests under it
 * need no key and are neither logged nor faulted.
 */
export const CONTROL_PREFIX = "/_sandbox"

const EXPOSED_HEADERS = [
  "x-request-id",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Window",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "Retry-After",
  "Deprecation",
  "Link",
]

const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "Accept",
  "Idempotency-Key",
  "User-Agent",
  "X-Request-Id",
  ...RELEASE_HEADERS,
  "X-MCP-Client",
  "X-MCP-Tool",
]

/**
 * Request ids: `req_` + 32 hex digits, a random per-process prefix plus a counter. Unique within the
 * process and practically across processes, without drawing randomness for every request.
 */
const requestIdPrefix = `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`
let requestCounter = 0
const newRequestId = () => `${requestIdPrefix}${(requestCounter++).toString(16).padStart(12, "0")}`

/** Collapses `//` so a client whose base URL ends in `/` still reaches `/v1/...`. */
const normalisedPath = (request: Request): string => {
  const path = getPath(request)
  return path.includes("//") ? path.replace(/\/{2,}/g, "/") : path
}

const hasMalformedEscape = (url: string): boolean => {
  if (!url.includes("%")) return false
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, "").split("?")[0] ?? ""
  try {
    decodeURIComponent(path)
    return false
  } catch {
    return true
  }
}

const bearerToken = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const match = /^\s*Bearer(?:\s+(.*))?$/i.exec(header)
  if (match === null) return undefined
  return (match[1] ?? "").trim()
}

/** `vocab_release` query parameter first, then the header spellings clients use in the wild. */
const requestedRelease = (c: Context<SandboxEnv>): string | undefined => {
  const fromQuery = c.req.query("vocab_release")
  if (fromQuery !== undefined) return fromQuery
  for (const name of RELEASE_HEADERS) {
    const value = c.req.header(name)
    if (value !== undefined && value.trim() !== "") return value
  }
  return undefined
}

const EXPOSE_HEADERS_VALUE = EXPOSED_HEADERS.join(",")

const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  "access-control-max-age": "600",
  "access-control-allow-methods": "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS",
  "access-control-allow-headers": ALLOWED_HEADERS.join(","),
  vary: "Access-Control-Request-Headers",
}

const renderFailure = (c: Context<SandboxEnv>, failure: ApiFailure): Response => {
  const requestId = c.get("requestId") ?? newRequestId()
  return respond(
    c,
    failure.status,
    JSON.stringify(errorBody(requestId, failure.code, failure.message, failure.details)),
    failure.headers,
  )
}

const toFailure = (error: unknown): ApiFailure => {
  if (error instanceof ApiFailure) return error
  if (error instanceof HTTPException)
    return new ApiFailure(error.status, codeForStatus(error.status), error.message)
  // c.req.json() on a malformed body is the only SyntaxError a handler should meet.
  if (error instanceof SyntaxError)
    return new ApiFailure(400, "bad_request", "Request body is not valid JSON")
  return new ApiFailure(500, "internal_server_error", "The sandbox failed to handle this request")
}

/**
 * Builds the sandbox as a Hono app without listening: the same server `start` runs, for serving
 * in-process (no socket, no port) or mounting in your own server. Throws `RangeError` for an empty
 * or duplicate release list or an unknown `defaultRelease`. Without a raw socket, `reset` faults
 * end the response body with an error instead of dropping the connection.
 *
 * @example
 * ```ts
 * import { builtinRelease, createApp } from "@omophub/sandbox"
 *
 * const { app, defaultKey } = createApp({ releases: [builtinRelease("2025.2")] })
 * const response = await app.request("/v1/concepts/201826", {
 *   headers: { Authorization: `Bearer ${defaultKey}` },
 * })
 * console.log(response.status) // 200
 * ```
 */
export const createApp = (config: AppConfig): SandboxApp => {
  const releases = new ReleaseRegistry(config.releases, config.defaultRelease)
  const configuredKeys = config.keys ?? []
  const defaultKey = configuredKeys.length === 0 ? DEFAULT_SANDBOX_KEY : undefined
  const control = new SandboxControl({
    keys: defaultKey === undefined ? configuredKeys : [{ key: defaultKey, name: "default" }],
    rateLimit: config.rateLimit,
  })
  const invalidKeyStatus = config.invalidKeyStatus ?? 401
  const controlEnabled = config.control === true

  const app = new Hono<SandboxEnv>({ getPath: normalisedPath })

  app.onError((error, c) => {
    const failure = toFailure(error)
    if (failure.status >= 500 && !(error instanceof ApiFailure)) {
      console.error(`[sandbox] ${c.req.method} ${c.req.path} failed:`, error)
    }
    return renderFailure(c, failure)
  })
  app.notFound((c) =>
    renderFailure(c, new ApiFailure(404, "not_found", `No route for ${c.req.method} ${c.req.path}`)),
  )

  /**
   * Auth, rate limit and release selection for a /v1 (or unknown) request. Adds the rate-limit
   * headers to `responseHeaders` up front so every response, error or not, carries them.
   */
  const admit = (c: Context<SandboxEnv>, record: RequestRecord | undefined): void => {
    const token = bearerToken(c.req.header("authorization"))
    if (token === undefined) {
      throw new ApiFailure(401, "missing_api_key", "Send your API key as 'Authorization: Bearer <key>'")
    }
    const check = control.keys.check(token)
    if (check.status !== "valid") {
      const why = check.status === "revoked" ? "has been revoked" : "is not valid"
      throw new ApiFailure(invalidKeyStatus, "invalid_api_key", `The API key ${why}`)
    }
    c.set("keyLabel", check.label)
    if (record !== undefined) record.key = check.label
    const decision = control.rateLimiter.take(token)
    if (decision !== undefined) {
      if (!decision.allowed) {
        throw new ApiFailure(429, decision.code, decision.message, undefined, {
          ...decision.headers,
          "Retry-After": String(decision.retryAfterSeconds),
        })
      }
      Object.assign(c.get("responseHeaders"), decision.headers)
    }
    c.set("release", releases.resolve(requestedRelease(c)))
  }

  /**
   * One middleware in front of every route (each Hono middleware layer costs a closure and
   * promises per request): request id and CORS headers, request log, CORS preflight, path check,
   * control routes, scripted faults, then auth, rate limit and release selection.
   */
  app.use(async (c, next) => {
    const requestId = newRequestId()
    c.set("requestId", requestId)
    c.set("responseHeaders", {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": EXPOSE_HEADERS_VALUE,
      "x-request-id": requestId,
    })
    const isControl = controlEnabled && c.req.path.startsWith(CONTROL_PREFIX)
    // Control traffic is not logged: it is the test talking to the sandbox, not the client under test.
    const record = isControl ? undefined : await recordRequest(c, requestId)
    try {
      if (c.req.method === "OPTIONS") {
        c.res = respond(c, 204, null, PREFLIGHT_HEADERS)
        return
      }
      if (hasMalformedEscape(c.req.url)) {
        throw new ApiFailure(400, "bad_request", "The request path contains a malformed percent-encoding")
      }
      if (isControl) return await next()
      const fault = control.faultQueue.take(c.req.method, c.req.path)
      if (fault !== undefined) {
        if (record !== undefined) record.fault = fault.kind
        const answer = await applyFault(c, async () => admitThen(c, record, next), fault, control.closing)
        if (answer !== undefined) c.res = answer
        return
      }
      await admitThen(c, record, next)
    } catch (error) {
      c.res = renderFailure(c, toFailure(error))
    } finally {
      finish(c, record)
    }
  })

  /** Auth etc. then the route; a rejection becomes the response instead of escaping. */
  const admitThen = async (c: Context<SandboxEnv>, record: RequestRecord | undefined, next: Next) => {
    try {
      admit(c, record)
    } catch (error) {
      c.res = renderFailure(c, toFailure(error))
      return
    }
    await next()
  }

  const recordRequest = async (c: Context<SandboxEnv>, requestId: string): Promise<RequestRecord> => {
    const method = c.req.method
    let body = ""
    if (method !== "GET" && method !== "HEAD") {
      try {
        body = await c.req.text()
      } catch {
        body = ""
      }
    }
    const record = new RequestRecord(requestId, method, c.req.url, c.req.raw.headers, body, Date.now())
    control.log.add(record)
    return record
  }

  /** Completes the log entry and gives responses not built by `respond` the shared headers. */
  const finish = (c: Context<SandboxEnv>, record: RequestRecord | undefined) => {
    if (c.get("headersApplied") !== true) {
      for (const [name, value] of Object.entries(c.get("responseHeaders"))) c.header(name, value)
    }
    if (record === undefined) return
    // Only a fault can cut a connection or hang; skip the header look-up otherwise.
    const noStatus =
      record.fault !== undefined && (record.fault === "hang" || c.res.headers.has("x-hono-already-sent"))
    record.status = noStatus ? null : c.res.status
    record.durationMs = Date.now() - record.receivedAtMs
    config.log?.(
      `${record.method} ${record.path} ${record.status ?? "-"} ${record.durationMs}ms` +
        (record.key === undefined ? "" : ` key=${record.key}`) +
        (record.fault === undefined ? "" : ` fault=${record.fault}`) +
        ` ${record.id}`,
    )
  }

  if (controlEnabled) app.route(CONTROL_PREFIX, controlRoutes(control))

  const v1 = new Hono<SandboxEnv>()
  registerV1Routes(v1)
  app.route("/v1", v1)

  return { app, control, releases, defaultKey }
}
