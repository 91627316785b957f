/**
 * What a runtime service reports when the capability is absent or not permitted here (no
 * environment access in a Deno sandbox, no Secret Service on the bus, no file system in a
 * browser). Credential providers turn it into "not found, try the next provider".
 *
 * @module
 */
import * as Data from "effect/Data"

/**
 * A runtime service cannot work here (capability absent or not permitted). Credential providers
 * treat it as "not found"; `storeApiKey` fails with it.
 */
export class RuntimeUnavailable extends Data.TaggedError("RuntimeUnavailable")<{
  /** e.g. `env`, `keychain`, `file-system`. */
  readonly capability: string
  /** Human-readable reason; never contains a secret. */
  readonly reason: string
}> {
  /** Names the capability and why it is unavailable, never a secret. */
  override get message(): string {
    return `${this.capability} is unavailable: ${this.reason}`
  }
}
