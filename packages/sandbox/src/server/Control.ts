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

export interface ControlInit {
  readonly keys: ReadonlyArray<string | ApiKeyRecord>
  readonly rateLimit?: RateLimitOptions | undefined
}

export class SandboxControl {
  readonly #init: ControlInit
  #keys: KeyStore
  readonly rateLimiter: RateLimiter
  readonly faultQueue = new FaultQueue()
  readonly log = new RequestLog()
  readonly #closing = new AbortController()

  constructor(init: ControlInit) {
    this.#init = init
    this.#keys = new KeyStore(init.keys)
    this.rateLimiter = new RateLimiter(init.rateLimit)
  }

  get keys(): KeyStore {
    return this.#keys
  }

  /** Queues one or more faults (see `FaultSpec`); each is validated first. */
  fault(spec: FaultSpec | readonly FaultSpec[]): void {
    const specs: readonly FaultSpec[] = Array.isArray(spec) ? spec : [spec as FaultSpec]
    for (const s of specs) this.faultQueue.add(s)
  }

  pendingFaults(): Array<FaultSpec & { readonly remaining: number }> {
    return this.faultQueue.pending()
  }

  clearFaults(): void {
    this.faultQueue.clear()
  }

  requests(): LoggedRequest[] {
    return this.log.entries()
  }

  clearRequests(): void {
    this.log.clear()
  }

  addKey(key: string | ApiKeyRecord): void {
    this.#keys.add(key)
  }

  /** Returns false when the key was not known. */
  revokeKey(key: string): boolean {
    return this.#keys.revoke(key)
  }

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
