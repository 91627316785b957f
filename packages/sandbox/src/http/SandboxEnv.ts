/** Per-request values the middleware sets for the route handlers (Hono context variables). */
import type { VocabularyRelease } from "../data/Release.ts"

/**
 * What the runtime adapter hands to the app. Only Node exposes the raw socket; Deno and Bun leave it
 * out and the fault injector emulates connection resets with an erroring body stream.
 */
export interface SandboxBindings {
  /** The request's TCP socket, which `reset` and `truncate` faults destroy to cut the connection. */
  readonly socket?: {
    /** Closes the connection at once, mid-response or not. */
    destroy(error?: Error): void
  }
  /**
   * The request's header name/value pairs as received (Node's `rawHeaders`). The request log keeps
   * these instead of the request's `Headers`; without them it keeps the `Headers`.
   */
  readonly rawHeaders?: ReadonlyArray<string>
  /**
   * The request target as received (Node's `url`: path and query string). The request log keeps
   * this and the origin instead of the joined URL.
   */
  readonly target?: string
}

/**
 * The Hono environment of the sandbox app (`Hono<SandboxEnv>`): the bindings a runtime adapter passes
 * to `app.fetch` and the per-request variables its middleware sets for the handlers.
 */
export interface SandboxEnv {
  Bindings: SandboxBindings
  Variables: {
    /** Same value as the `x-request-id` header and `meta.request_id`. */
    requestId: string
    /** The release chosen by `vocab_release` / the release headers, or the default. */
    release: VocabularyRelease
    /** Log-safe label of the authenticated key (its name or a fingerprint, never the key). */
    keyLabel: string
    /**
     * Headers every response of this request carries (request id, CORS, rate-limit state), gathered
     * before the handler runs so `respond` can build the response in one go.
     */
    responseHeaders: Record<string, string>
    /** Set by `respond`: the response already carries `responseHeaders`. */
    headersApplied: boolean
  }
}
