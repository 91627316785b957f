/**
 * Where the page's API calls go and where its short-lived tokens come from.
 *
 * - `sandbox`: a local @omophub/sandbox (built-in vocabulary, or an Athena download). The sandbox is
 *   started with a random server-side key that never leaves this process; each `/token` request mints
 *   a fresh key through the sandbox control and revokes it when it expires.
 * - `api`: the real OMOPHub API. There is no endpoint to mint short-lived keys, so `/token` hands out
 *   the server-side key itself with an expiry the client honours (see the README for the trade-off).
 */
import { randomBytes } from "node:crypto"
import { basename, resolve } from "node:path"
import type { Sandbox } from "@omophub/sandbox"

export type BackendOptions =
  | {
      readonly kind: "sandbox"
      /** An Athena vocabulary directory; the sandbox's built-in vocabulary when absent. */
      readonly vocab?: string | undefined
      /** The sandbox's own key (the "admin" key); random when absent. Never sent to the page. */
      readonly serverKey?: string | undefined
      /** How long a minted token lives; default 5 minutes. */
      readonly tokenTtlMs?: number | undefined
    }
  | {
      readonly kind: "api"
      readonly apiUrl: string
      readonly apiKey: string
      /** How long the page may use the key before asking again; default 5 minutes. */
      readonly tokenTtlMs?: number | undefined
    }

/** What `/token` answers: the shape `fromCallback` accepts. */
export interface IssuedToken {
  readonly token: string
  /** Epoch milliseconds. */
  readonly expiresAt: number
}

/** What `/config` answers: everything the page needs besides the token. */
export interface PageConfig {
  readonly apiUrl: string
  readonly source: "sandbox" | "api"
  /** A human description of the data source, shown in the page header. */
  readonly description: string
}

export interface Backend {
  readonly config: PageConfig
  /** Issues a token for one page. */
  readonly issueToken: () => IssuedToken
  /** The sandbox, when this backend started one (tests read its request log). */
  readonly sandbox: Sandbox | undefined
  /** Tokens issued so far. */
  readonly issuedCount: () => number
  readonly close: () => Promise<void>
}

const defaultTtlMs = 5 * 60_000

const randomKey = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`

const sandboxBackend = async (options: Extract<BackendOptions, { kind: "sandbox" }>): Promise<Backend> => {
  const { start } = await import("@omophub/sandbox")
  const serverKey = options.serverKey ?? randomKey("oh_server_")
  const sandbox = await start({
    keys: [{ key: serverKey, name: "server" }],
    ...(options.vocab === undefined ? {} : { vocab: options.vocab }),
  })
  const ttlMs = options.tokenTtlMs ?? defaultTtlMs
  const live = new Map<string, NodeJS.Timeout>()
  let issued = 0
  const revoke = (token: string) => {
    clearTimeout(live.get(token))
    live.delete(token)
    sandbox.control.revokeKey(token)
  }
  return {
    config: {
      apiUrl: sandbox.url,
      source: "sandbox",
      description: `Sandbox · ${options.vocab === undefined ? "built-in vocabulary" : basename(resolve(options.vocab))}`,
    },
    issueToken: () => {
      issued += 1
      // Not `oh_...`: it is a short-lived token, and named so the sandbox log tells tokens apart.
      const token = randomKey("tok_")
      sandbox.control.addKey({ key: token, name: `page-token-${issued}` })
      const timer = setTimeout(() => revoke(token), ttlMs)
      timer.unref()
      live.set(token, timer)
      return { token, expiresAt: Date.now() + ttlMs }
    },
    sandbox,
    issuedCount: () => issued,
    close: async () => {
      for (const token of [...live.keys()]) revoke(token)
      await sandbox.close()
    },
  }
}

const apiBackend = (options: Extract<BackendOptions, { kind: "api" }>): Backend => {
  const ttlMs = options.tokenTtlMs ?? defaultTtlMs
  let issued = 0
  return {
    config: { apiUrl: options.apiUrl, source: "api", description: `OMOPHub API · ${options.apiUrl}` },
    issueToken: () => {
      issued += 1
      return { token: options.apiKey, expiresAt: Date.now() + ttlMs }
    },
    sandbox: undefined,
    issuedCount: () => issued,
    close: async () => {},
  }
}

export const startBackend = (options: BackendOptions): Promise<Backend> =>
  options.kind === "sandbox" ? sandboxBackend(options) : Promise.resolve(apiBackend(options))
