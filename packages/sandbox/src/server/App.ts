/**
 * The sandbox as a runtime-neutral Hono app: request ids, CORS, request log, control routes, fault
 * injection, auth, rate limits and release selection in front of the /v1 endpoint handlers.
 */
import { type Context, Hono } from "hono"
import { cors } from "hono/cors"
import { HTTPException } from "hono/http-exception"
import { getPath } from "hono/utils/url"
import type { VocabularyRelease } from "../data/Release.ts"
import { ApiFailure, errorBody } from "../http/Envelope.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { registerV1Routes } from "../routes/index.ts"
import { controlRoutes, SandboxControl } from "./Control.ts"
import { applyFault, codeForStatus } from "./FaultInjection.ts"
import { type ApiKeyRecord, DEFAULT_SANDBOX_KEY } from "./Keys.ts"
import type { RateLimitOptions } from "./RateLimiter.ts"
import { RELEASE_HEADERS, ReleaseRegistry } from "./Releases.ts"
import { type LoggedRequest, redactHeaders } from "./RequestLog.ts"

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

export interface SandboxApp {
  readonly app: Hono<SandboxEnv>
  readonly control: SandboxControl
  readonly releases: ReleaseRegistry
  /** The key accepted when none were configured, else undefined. */
  readonly defaultKey: string | undefined
}

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

const newRequestId = () => `req_${crypto.randomUUID().replaceAll("-", "")}`

/** Collapses `//` so a client whose base URL ends in `/` still reaches `/v1/...`. */
const normalisedPath = (request: Request): string => getPath(request).replace(/\/{2,}/g, "/")

const hasMalformedEscape = (url: string): boolean => {
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

const renderFailure = (c: Context<SandboxEnv>, failure: ApiFailure): Response => {
  const requestId = c.get("requestId") ?? newRequestId()
  return c.json(errorBody(requestId, failure.code, failure.message, failure.details), failure.status as 400, {
    ...failure.headers,
  })
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

export const createApp = (config: AppConfig): SandboxApp => {
  const releases = new ReleaseRegistry(config.releases, config.defaultRelease)
  const configuredKeys = config.keys ?? []
  const defaultKey = configuredKeys.length === 0 ? DEFAULT_SANDBOX_KEY : undefined
  const control = new SandboxControl({
    keys: defaultKey === undefined ? configuredKeys : [{ key: defaultKey, name: "default" }],
    rateLimit: config.rateLimit,
  })
  const invalidKeyStatus = config.invalidKeyStatus ?? 401
  const logEntries = new WeakMap<Request, LoggedRequest>()

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

  app.use(async (c, next) => {
    c.set("requestId", newRequestId())
    await next()
    c.header("x-request-id", c.get("requestId"))
  })

  // Request log: every request except the control traffic itself.
  app.use(async (c, next) => {
    const url = new URL(c.req.url)
    if (url.pathname.startsWith(CONTROL_PREFIX) && config.control === true) return next()
    const started = Date.now()
    const method = c.req.method
    let body = ""
    if (method !== "GET" && method !== "HEAD") {
      try {
        body = await c.req.text()
      } catch {
        body = ""
      }
    }
    const entry: LoggedRequest = {
      id: c.get("requestId"),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(c.req.raw.headers),
      body,
      receivedAt: new Date(started).toISOString(),
      status: null,
      fault: undefined,
      key: undefined,
      durationMs: undefined,
    }
    logEntries.set(c.req.raw, entry)
    control.log.add(entry)
    try {
      await next()
    } finally {
      const noStatus = c.res.headers.has("x-hono-already-sent") || entry.fault === "hang"
      entry.status = noStatus ? null : c.res.status
      entry.durationMs = Date.now() - started
      config.log?.(
        `${method} ${url.pathname} ${entry.status ?? "-"} ${entry.durationMs}ms` +
          (entry.key === undefined ? "" : ` key=${entry.key}`) +
          (entry.fault === undefined ? "" : ` fault=${entry.fault}`) +
          ` ${entry.id}`,
      )
    }
  })

  app.use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
      allowHeaders: ALLOWED_HEADERS,
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    }),
  )

  app.use(async (c, next) => {
    if (hasMalformedEscape(c.req.url)) {
      throw new ApiFailure(400, "bad_request", "The request path contains a malformed percent-encoding")
    }
    await next()
  })

  if (config.control === true) app.route(CONTROL_PREFIX, controlRoutes(control))

  app.use(async (c, next) => {
    const fault = control.faultQueue.take(c.req.method, c.req.path)
    if (fault === undefined) return next()
    const entry = logEntries.get(c.req.raw)
    if (entry !== undefined) entry.fault = fault.kind
    return applyFault(c, next, fault, control.closing)
  })

  app.use(async (c, next) => {
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
    const entry = logEntries.get(c.req.raw)
    if (entry !== undefined) entry.key = check.label
    const decision = control.rateLimiter.take(token)
    if (decision === undefined) return next()
    if (!decision.allowed) {
      throw new ApiFailure(429, decision.code, decision.message, undefined, {
        ...decision.headers,
        "Retry-After": String(decision.retryAfterSeconds),
      })
    }
    try {
      await next()
    } finally {
      for (const [name, value] of Object.entries(decision.headers)) c.header(name, value)
    }
  })

  app.use(async (c, next) => {
    const requested =
      c.req.query("vocab_release") ??
      RELEASE_HEADERS.map((h) => c.req.header(h)).find((v) => v !== undefined && v.trim() !== "")
    c.set("release", releases.resolve(requested))
    await next()
  })

  const v1 = new Hono<SandboxEnv>()
  registerV1Routes(v1)
  app.route("/v1", v1)

  return { app, control, releases, defaultKey }
}
