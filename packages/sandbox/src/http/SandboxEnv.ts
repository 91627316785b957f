/** Per-request values the middleware sets for the route handlers (Hono context variables). */
import type { VocabularyRelease } from "../data/Release.ts"

export interface SandboxEnv {
  Variables: {
    /** Same value as the `x-request-id` header and `meta.request_id`. */
    requestId: string
    /** The release chosen by `vocab_release` / the release headers, or the default. */
    release: VocabularyRelease
  }
}
