/**
 * The operating system's secret store (Secret Service / gnome-keyring, macOS Keychain, Windows
 * Credential Manager). Supplied by the Node, Deno and Bun adapters. Implementations report
 * `RuntimeUnavailable` within a bounded time when no store can be reached, never hang.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { RuntimeUnavailable } from "./Unavailable.ts"

/** The store answered but the operation failed (locked, denied). Never contains the secret. */
export class KeychainError extends Data.TaggedError("KeychainError")<{
  readonly service: string
  readonly account: string
  readonly reason: string
}> {
  /** Names the keychain entry (service and account) and the reason, never the secret. */
  override get message(): string {
    return `keychain ${this.service}/${this.account}: ${this.reason}`
  }
}

/** What a `Keychain` implementation provides. */
export interface KeychainShape {
  /** The secret stored under `service`/`account`, or none when there is no such entry. */
  readonly get: (
    service: string,
    account: string,
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, KeychainError | RuntimeUnavailable>
  /** Stores `secret` under `service`/`account`, replacing any existing entry. */
  readonly set: (
    service: string,
    account: string,
    secret: Redacted.Redacted<string>,
  ) => Effect.Effect<void, KeychainError | RuntimeUnavailable>
  /** Removes the entry; true when one existed. */
  readonly delete: (
    service: string,
    account: string,
  ) => Effect.Effect<boolean, KeychainError | RuntimeUnavailable>
}

/** The OS secret store, read by `fromKeychain` and written by `storeApiKey`. Runtime adapters provide it as `KeychainLive`. */
export class Keychain extends Context.Service<Keychain, KeychainShape>()("@omophub/core/Keychain") {}
