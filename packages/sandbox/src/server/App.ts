/**
 * The sandbox as a runtime-neutral Hono app: request ids, CORS, request log, control routes, fault
 * injection, auth, rate limits and release selection in front of the /v1 endpoint handlers.
 */
import { type Context, Hono, type Next } from "hono"
import { HTTPException } from "hono/http-exception"
import type { Result, Router } from "hono/router"
import { RegExpRouter } from "hono/router/reg-exp-router"
import { SmartRouter } from "hono/router/smart-router"
import { TrieRouter } from "hono/router/trie-router"
import type { H, RouterRoute } from "hono/types"
import { getPath } from "hono/utils/url"
import type { VocabularyRelease } from "../data/Release.ts"
import { ApiFailure, errorBody, respond } from "../http/Envelope.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { registerV1Routes } from "../routes/index.ts"
import { controlRoutes, SandboxControl } from "./Control.ts"
import { applyFault, codeForStatus } from "./FaultInjection.ts"
import type { FaultSpec } from "./Faults.ts"
import { type ApiKeyRecord, DEFAULT_SANDBOX_KEY } from "./Keys.ts"
import type { RateLimitOptions } from "./RateLimiter.ts"
import { RELEASE_HEADERS, ReleaseRegistry } from "./Releases.ts"
import { nextRequestSequence, type RequestRecord, requestIdOf } from "./RequestLog.ts"

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

const RELEASE_HEADER_NAMES: ReadonlySet<string> = new Set(RELEASE_HEADERS)
const RELEASE_HEADER_LENGTHS: ReadonlySet<number> = new Set(RELEASE_HEADERS.map((name) => name.length))

/**
 * Whether the raw header pairs name a release header at all. Most requests do not, and then the
 * header look-ups below (which make Node build the request's whole header object) can be skipped.
 */
const mayNameRelease = (rawHeaders: ReadonlyArray<string>): boolean => {
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!
    if (RELEASE_HEADER_LENGTHS.has(name.length) && RELEASE_HEADER_NAMES.has(name.toLowerCase())) return true
  }
  return false
}

/** `vocab_release` query parameter first, then the header spellings clients use in the wild. */
const requestedRelease = (c: Context<SandboxEnv>): string | undefined => {
  const fromQuery = c.req.query("vocab_release")
  if (fromQuery !== undefined) return fromQuery
  const rawHeaders = c.env?.rawHeaders
  if (rawHeaders !== undefined && !mayNameRelease(rawHeaders)) return undefined
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
  const requestId = c.get("requestId") ?? requestIdOf(nextRequestSequence())
  return respond(
    c,
    failure.status,
    JSON.stringify(errorBody(requestId, failure.code, failure.message, failure.details)),
    failure.headers,
  )
}

/** A handler's exception as an error envelope; unexpected ones are also reported on stderr. */
const handlerFailure = (c: Context<SandboxEnv>, error: unknown): Response => {
  const failure = toFailure(error)
  if (failure.status >= 500 && !(error instanceof ApiFailure)) {
    console.error(`[sandbox] ${c.req.method} ${c.req.path} failed:`, error)
  }
  return renderFailure(c, failure)
}

type HandlerResult = Response | undefined | Promise<Response | undefined>

/** A route handler or middleware as registered with Hono. */
type RouteHandler = (c: Context<SandboxEnv>, next: Next) => HandlerResult

const noNext: Next = async () => {}

const notFoundHandler = (c: Context<SandboxEnv>): Response => {
  throw new ApiFailure(404, "not_found", `No route for ${c.req.method} ${c.req.path}`)
}

/** What a handler that returned nothing left on the context, else the not-found answer. */
const answerOf = (c: Context<SandboxEnv>): Response => (c.finalized ? c.res : notFoundHandler(c))

/**
 * Hono's default router (RegExpRouter, else TrieRouter) storing every handler wrapped by `wrap`,
 * so the app's gateway runs as part of each route instead of as a separate middleware layer.
 */
class GatewayRouter implements Router<[H, RouterRoute]> {
  readonly name = "GatewayRouter"
  readonly #inner = new SmartRouter<[H, RouterRoute]>({ routers: [new RegExpRouter(), new TrieRouter()] })
  readonly #wrap: (handler: RouteHandler) => RouteHandler

  constructor(wrap: (handler: RouteHandler) => RouteHandler) {
    this.#wrap = wrap
  }

  add(method: string, path: string, [handler, route]: [H, RouterRoute]): void {
    this.#inner.add(method, path, [this.#wrap(handler as RouteHandler) as H, route])
  }

  match(method: string, path: string): Result<[H, RouterRoute]> {
    return this.#inner.match(method, path)
  }
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

  let gatewayOf: (handler: RouteHandler) => RouteHandler = (handler) => handler
  const app = new Hono<SandboxEnv>({
    getPath: normalisedPath,
    router: new GatewayRouter((handler) => gatewayOf(handler)),
  })

  app.onError((error, c) => handlerFailure(c, error))

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
   * The gateway in front of every route (and of the not-found answer): request id and CORS headers,
   * request log, CORS preflight, path check, control routes, scripted faults, then auth, rate limit
   * and release selection, then the route handler. The router stores every handler wrapped in it
   * (`GatewayRouter`) instead of running it as a separate Hono middleware: Hono then calls the one
   * wrapped handler directly, and a GET without a fault is served synchronously (no middleware
   * chain, no promise per layer), which @hono/node-server answers on its fast path. Requests with a
   * body (read first, for the log) and faulted requests take the asynchronous path, same steps in
   * the same order.
   */
  const gateway =
    (handler: RouteHandler) =>
    (c: Context<SandboxEnv>, next?: Next): Response | Promise<Response> => {
      // A later handler of the same request (after a middleware someone added) runs as is.
      if (c.get("requestId") !== undefined) return runHandler(c, handler, next)
      const sequence = nextRequestSequence()
      const requestId = requestIdOf(sequence)
      c.set("requestId", requestId)
      c.set("responseHeaders", {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": EXPOSE_HEADERS_VALUE,
        "x-request-id": requestId,
      })
      const method = c.req.method
      // Control traffic is not logged: it is the test talking to the sandbox, not the client under test.
      if (controlEnabled && c.req.path.startsWith(CONTROL_PREFIX)) return serve(c, handler, next, undefined)
      if (method === "GET" || method === "HEAD") {
        return serve(c, handler, next, recordRequest(c, sequence, ""))
      }
      return readBodyText(c).then((body) => serve(c, handler, next, recordRequest(c, sequence, body)))
    }

  /** Everything after the log record; synchronous unless the handler or a fault is not. */
  const serve = (
    c: Context<SandboxEnv>,
    handler: RouteHandler,
    next: Next | undefined,
    record: RequestRecord | undefined,
  ): Response | Promise<Response> => {
    let answer: Response | Promise<Response>
    try {
      answer = admitAndRun(c, handler, next, record)
    } catch (error) {
      answer = renderFailure(c, toFailure(error))
    }
    if (answer instanceof Promise) {
      return answer.then(
        (response) => finish(c, response, record),
        (error: unknown) => finish(c, renderFailure(c, toFailure(error)), record),
      )
    }
    return finish(c, answer, record)
  }

  const admitAndRun = (
    c: Context<SandboxEnv>,
    handler: RouteHandler,
    next: Next | undefined,
    record: RequestRecord | undefined,
  ): Response | Promise<Response> => {
    if (c.req.method === "OPTIONS") return respond(c, 204, null, PREFLIGHT_HEADERS)
    if (hasMalformedEscape(c.req.url)) {
      throw new ApiFailure(400, "bad_request", "The request path contains a malformed percent-encoding")
    }
    if (record === undefined) return runHandler(c, handler, next)
    const fault = control.faultQueue.take(c.req.method, c.req.path)
    if (fault !== undefined) {
      record.fault = fault.kind
      return faulted(c, handler, next, record, fault)
    }
    try {
      admit(c, record)
    } catch (error) {
      return renderFailure(c, toFailure(error))
    }
    return runHandler(c, handler, next)
  }

  /** A scripted fault: answers on its own, or wraps the real answer (which then sets `c.res`). */
  const faulted = async (
    c: Context<SandboxEnv>,
    handler: RouteHandler,
    next: Next | undefined,
    record: RequestRecord,
    fault: FaultSpec,
  ): Promise<Response> => {
    const admitThenRun = async () => {
      try {
        admit(c, record)
      } catch (error) {
        c.res = renderFailure(c, toFailure(error))
        return
      }
      c.res = await runHandler(c, handler, next)
    }
    const answer = await applyFault(c, admitThenRun, fault, control.closing)
    if (answer !== undefined) c.res = answer
    return c.res
  }

  /**
   * The route handler; what it throws becomes an error envelope (as the app's error handler does).
   * A handler that answers nothing (a middleware after `next()`) leaves its answer in `c.res`.
   */
  const runHandler = (
    c: Context<SandboxEnv>,
    handler: RouteHandler,
    next: Next | undefined,
  ): Response | Promise<Response> => {
    let result: HandlerResult
    try {
      result = handler(c, next ?? noNext)
    } catch (error) {
      return handlerFailure(c, error)
    }
    if (result instanceof Promise) {
      return result.then(
        (resolved) => resolved ?? answerOf(c),
        (error: unknown) => handlerFailure(c, error),
      )
    }
    return result ?? answerOf(c)
  }

  const readBodyText = async (c: Context<SandboxEnv>): Promise<string> => {
    try {
      return await c.req.text()
    } catch {
      return ""
    }
  }

  const recordRequest = (c: Context<SandboxEnv>, sequence: number, body: string): RequestRecord => {
    const env = c.env
    const headers = env?.rawHeaders ?? c.req.raw.headers
    return control.log.record(sequence, c.req.method, c.req.url, env?.target, headers, body, Date.now())
  }

  /** Completes the log entry and gives responses not built by `respond` the shared headers. */
  const finish = (c: Context<SandboxEnv>, answer: Response, record: RequestRecord | undefined): Response => {
    let response = answer
    if (c.get("headersApplied") !== true) {
      // Hono keeps a response already set on the context (as it did after a middleware chain).
      if (!c.finalized) c.res = response
      for (const [name, value] of Object.entries(c.get("responseHeaders"))) c.header(name, value)
      response = c.res
    }
    if (record === undefined) return response
    // Only a fault can cut a connection or hang; skip the header look-up otherwise.
    const noStatus =
      record.fault !== undefined && (record.fault === "hang" || response.headers.has("x-hono-already-sent"))
    record.status = noStatus ? null : response.status
    record.durationMs = Date.now() - record.receivedAtMs
    config.log?.(
      `${record.method} ${record.path} ${record.status ?? "-"} ${record.durationMs}ms` +
        (record.key === undefined ? "" : ` key=${record.key}`) +
        (record.fault === undefined ? "" : ` fault=${record.fault}`) +
        ` ${record.id}`,
    )
    return response
  }

  // Every route registered on the app (now or later, by `app.get`, `app.route`, ...) is wrapped by
  // the gateway as the router stores it; unmatched requests go through it too.
  gatewayOf = gateway
  app.notFound(gateway(notFoundHandler))

  if (controlEnabled) app.route(CONTROL_PREFIX, controlRoutes(control))

  const v1 = new Hono<SandboxEnv>()
  registerV1Routes(v1)
  app.route("/v1", v1)

  return { app, control, releases, defaultKey }
}
