/**
 * The sandbox's mutable test state (keys, rate limits, scripted faults, request log) behind one
 * object, plus the optional HTTP surface over it at `/_sandbox/*` for clients in other processes.
 */
import { Hono } from "hono"
import { ApiFailure } from "../http/Envelope.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { FaultQueue, type FaultSpec } from "./Faults.ts"
import { type ApiKeyRecord, KeyStore } from "./Keys.ts"
import { RateLimiter, type RateLimitOptions } from "./RateLimiter.ts"
import { type LoggedRequest, RequestLog } from "./RequestLog.ts"

/** The start-up state of a `SandboxControl`, which `reset()` returns to. */
export interface ControlInit {
  /** Keys accepted at start-up. */
  readonly keys: ReadonlyArray<string | ApiKeyRecord>
  /** Rate limit at start-up; off when undefined. */
  readonly rateLimit?: RateLimitOptions | undefined
}

/**
 * The test-facing handle on a running sandbox (`sandbox.control`): script faults, add and revoke
 * keys, change the rate limit, read the request log, and `reset()` between tests. Changes apply to
 * the next request. The same operations are served over HTTP under `CONTROL_PREFIX` when the
 * `control` option is on.
 */
export class SandboxControl {
  readonly #init: ControlInit
  #keys: KeyStore
  /** The per-key rate limiter; prefer `setRateLimit` to change it. */
  readonly rateLimiter: RateLimiter
  /** The scripted faults; prefer `fault`, `pendingFaults` and `clearFaults`. */
  readonly faultQueue = new FaultQueue()
  /** The request log; prefer `requests` and `clearRequests`. */
  readonly log = new RequestLog()
  readonly #closing = new AbortController()

  /** Created by `createApp`; you do not normally construct one yourself. */
  constructor(init: ControlInit) {
    this.#init = init
    this.#keys = new KeyStore(init.keys)
    this.rateLimiter = new RateLimiter(init.rateLimit)
  }

  /** The accepted keys (replaced by `reset()`, so read it again after a reset). */
  get keys(): KeyStore {
    return this.#keys
  }

  /**
   * Queues one or more faults (see `FaultSpec`); each is validated first and a malformed one
   * throws `TypeError`. Faults are consumed in the order added, each by its next `times` matching
   * requests, before auth and rate limiting.
   *
   * @example
   * ```ts
   * // The next two concept look-ups get a 503 with Retry-After: 1, then the real answer.
   * sandbox.control.fault({
   *   match: "GET /v1/concepts/:id",
   *   kind: "status",
   *   status: 503,
   *   retryAfter: 1,
   *   times: 2,
   * })
   * // Drop the connection of the next search request after the headers.
   * sandbox.control.fault({ match: "/v1/search", kind: "reset", phase: "after-headers" })
   * ```
   */
  fault(spec: FaultSpec | readonly FaultSpec[]): void {
    const specs: readonly FaultSpec[] = Array.isArray(spec) ? spec : [spec as FaultSpec]
    for (const s of specs) this.faultQueue.add(s)
  }

  /** Faults not yet used up, in order, each with its remaining uses. */
  pendingFaults(): Array<FaultSpec & { readonly remaining: number }> {
    return this.faultQueue.pending()
  }

  /** Drops every pending fault. */
  clearFaults(): void {
    this.faultQueue.clear()
  }

  /** Every logged request, oldest first, with `Authorization` redacted (fresh copies on each call). */
  requests(): LoggedRequest[] {
    return this.log.entries()
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.log.clear()
  }

  /** Accepts another key (or replaces the record of a known one); throws `TypeError` for a blank key. */
  addKey(key: string | ApiKeyRecord): void {
    this.#keys.add(key)
  }

  /** Returns false when the key was not known. */
  revokeKey(key: string): boolean {
    return this.#keys.revoke(key)
  }

  /** The keys by name and fingerprint, with their revoked flag; never the keys themselves. */
  listKeys(): ReturnType<KeyStore["list"]> {
    return this.#keys.list()
  }

  /** Replaces the rate limit (counters restart); `undefined` turns it off. */
  setRateLimit(options: RateLimitOptions | undefined): void {
    this.rateLimiter.configure(options)
  }

  /** Back to the start-up state: start-up keys and limits, no faults, empty log, fresh counters. */
  reset(): void {
    this.#keys = new KeyStore(this.#init.keys)
    this.rateLimiter.configure(this.#init.rateLimit)
    this.faultQueue.clear()
    this.log.clear()
  }

  /** Aborted when the sandbox closes: hanging and slow responses end so the process can exit. */
  get closing(): AbortSignal {
    return this.#closing.signal
  }

  /** Aborts `closing`, ending hanging and slow responses; `sandbox.close()` calls it. */
  shutdown(): void {
    this.#closing.abort()
  }
}

const readJson = async (req: Request): Promise<unknown> => {
  try {
    return JSON.parse(await req.text())
  } catch {
    throw new ApiFailure(400, "bad_request", "Control request body must be JSON")
  }
}

/** Runs `action`, turning the validation errors of the control methods into 400 envelopes. */
const invalidAsBadRequest = <A>(action: () => A): A => {
  try {
    return action()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new ApiFailure(400, "validation_error", error.message)
    }
    throw error
  }
}

/** HTTP control surface; mounted at `/_sandbox` only when the `control` option is on. */
export const controlRoutes = (control: SandboxControl): Hono<SandboxEnv> => {
  const routes = new Hono<SandboxEnv>()
  routes.get("/requests", (c) => c.json({ requests: control.requests() }))
  routes.delete("/requests", (c) => {
    control.clearRequests()
    return c.json({ cleared: true })
  })
  routes.get("/faults", (c) => c.json({ pending: control.pendingFaults() }))
  routes.post("/faults", async (c) => {
    const body = (await readJson(c.req.raw)) as FaultSpec | FaultSpec[]
    invalidAsBadRequest(() => control.fault(body))
    return c.json({ pending: control.pendingFaults() }, 201)
  })
  routes.delete("/faults", (c) => {
    control.clearFaults()
    return c.json({ cleared: true })
  })
  routes.get("/keys", (c) => c.json({ keys: control.listKeys() }))
  routes.post("/keys", async (c) => {
    const body = (await readJson(c.req.raw)) as ApiKeyRecord
    invalidAsBadRequest(() => control.addKey(body))
    return c.json({ keys: control.listKeys() }, 201)
  })
  routes.post("/keys/revoke", async (c) => {
    const body = (await readJson(c.req.raw)) as { key?: unknown }
    if (typeof body?.key !== "string") throw new ApiFailure(400, "validation_error", 'Send { "key": "..." }')
    if (!control.revokeKey(body.key)) throw new ApiFailure(404, "not_found", "No such key")
    return c.json({ keys: control.listKeys() })
  })
  routes.put("/rate-limit", async (c) => {
    const body = (await readJson(c.req.raw)) as RateLimitOptions | null
    invalidAsBadRequest(() => control.setRateLimit(body ?? undefined))
    return c.json({ rate_limit: control.rateLimiter.options ?? null })
  })
  routes.post("/reset", (c) => {
    control.reset()
    return c.json({ reset: true })
  })
  return routes
}
