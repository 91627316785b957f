/**
 * Starts the sandbox on a real socket under whichever runtime imported it (Node via
 * @hono/node-server, Deno via Deno.serve, Bun via Bun.serve). The only runtime detection lives here.
 */
import type { Hono } from "hono"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { createApp } from "./App.ts"
import type { SandboxControl } from "./Control.ts"
import { type ApiKeyRecord, loadKeysFile } from "./Keys.ts"
import type { RateLimitOptions } from "./RateLimiter.ts"
import { DEFAULT_RELEASE_NAME, loadReleases, type ReleaseSource } from "./Releases.ts"
import type { LoggedRequest } from "./RequestLog.ts"

/** Options for `start`; every one is optional (the default is the built-in vocabulary on a free port). */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number
  /** Interface to bind (default `127.0.0.1`). */
  readonly hostname?: string
  /** Releases served side by side. Default: the built-in vocabulary as `2025.2`. */
  readonly releases?: readonly ReleaseSource[]
  /** Shorthand for a single release read from this Athena directory (named `defaultRelease` or `2025.2`). */
  readonly vocab?: string
  /** Release used when a request names none (default `2025.2` if served, else the first). */
  readonly defaultRelease?: string
  /** Accepted API keys. With none here nor in `keysFile`, only `oh_sandbox_key` is accepted. */
  readonly keys?: ReadonlyArray<string | ApiKeyRecord>
  /** JSON file `{ "keys": [{ "key": "oh_…", "name": "ci", "revoked": false }] }`, merged with `keys`. */
  readonly keysFile?: string
  /** Status for unknown/revoked keys: 401 (default) or 403. */
  readonly invalidKeyStatus?: 401 | 403
  /** Per-key rate limit and daily quota; off by default. */
  readonly rateLimit?: RateLimitOptions
  /** Serve the HTTP control routes at `/_sandbox/*` (default false; the `control` object always works). */
  readonly control?: boolean
  /** `true` prints one line per request to stderr; a function receives the lines. Default off. */
  readonly log?: boolean | ((line: string) => void)
}

/**
 * A running sandbox, from `start`: where it listens, which key and releases it accepts, and the
 * `control` handle for faults, keys and the request log. Close it when done, or let
 * `await using` do it.
 */
export interface Sandbox {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:43123/v1`. */
  readonly url: string
  /** `http://127.0.0.1:43123` */
  readonly origin: string
  /** The port it listens on (the free one picked when `port` was 0). */
  readonly port: number
  /** The key accepted when no keys were configured (`oh_sandbox_key`), else undefined. */
  readonly defaultKey: string | undefined
  /** Names of the releases served, and the default one. */
  readonly releases: readonly string[]
  /** The release served when a request names none. */
  readonly defaultRelease: string
  /** Scripts faults, manages keys and limits, reads the request log. */
  readonly control: SandboxControl
  /** Same as `control.requests()`: every request received, oldest first, `Authorization` redacted. */
  requests(): LoggedRequest[]
  /** Same as `control.clearRequests()`. */
  clearRequests(): void
  /** Stops listening, ends hanging/slow responses and open connections. Idempotent. */
  close(): Promise<void>
  /** Same as `close()`, for `await using sandbox = await start()`. */
  [Symbol.asyncDispose](): Promise<void>
}

interface Listening {
  readonly port: number
  close(): Promise<void>
}

type Fetch = Hono<SandboxEnv>["fetch"]

interface DenoServer {
  readonly addr: { readonly port: number }
  shutdown(): Promise<void>
  readonly finished: Promise<void>
}
interface DenoLike {
  serve(options: {
    port: number
    hostname: string
    signal?: AbortSignal
    onListen?: (addr: unknown) => void
    handler: (request: Request) => Response | Promise<Response>
  }): DenoServer
}
interface BunServer {
  readonly port: number
  stop(closeActiveConnections?: boolean): Promise<void> | void
}
interface BunLike {
  serve(options: {
    port: number
    hostname: string
    fetch: (request: Request) => Response | Promise<Response>
  }): BunServer
}

const listenDeno = async (
  deno: DenoLike,
  fetch: Fetch,
  port: number,
  hostname: string,
): Promise<Listening> => {
  const abort = new AbortController()
  let listening!: () => void
  const ready = new Promise<void>((resolve) => {
    listening = resolve
  })
  const server = deno.serve({
    port,
    hostname,
    signal: abort.signal,
    onListen: () => listening(),
    handler: (request) => fetch(request, {}),
  })
  await ready
  return {
    port: server.addr.port,
    close: async () => {
      abort.abort()
      await server.finished
    },
  }
}

const listenBun = async (bun: BunLike, fetch: Fetch, port: number, hostname: string): Promise<Listening> => {
  const server = bun.serve({ port, hostname, fetch: (request) => fetch(request, {}) })
  return { port: server.port, close: async () => void (await server.stop(true)) }
}

const listenNode = async (fetch: Fetch, port: number, hostname: string): Promise<Listening> => {
  const { serve } = await import("@hono/node-server")
  const { server, port: bound } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve(
        {
          // The raw socket lets fault injection drop connections for real.
          // `rawHeaders` lets the request log keep a few strings instead of the request.
          fetch: (request, env) =>
            fetch(request, {
              socket: env.incoming.socket,
              rawHeaders: env.incoming.rawHeaders,
              target: env.incoming.url,
            }),
          port,
          hostname,
        },
        (info) => resolve({ server, port: info.port }),
      )
      server.once("error", reject)
    },
  )
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        const http = server as import("node:http").Server
        http.close(() => resolve())
        http.closeAllConnections?.()
      }),
  }
}

const listen = (fetch: Fetch, port: number, hostname: string): Promise<Listening> => {
  const globals = globalThis as { Deno?: DenoLike; Bun?: BunLike }
  if (globals.Deno !== undefined) return listenDeno(globals.Deno, fetch, port, hostname)
  if (globals.Bun !== undefined) return listenBun(globals.Bun, fetch, port, hostname)
  return listenNode(fetch, port, hostname)
}

const releaseSources = (options: SandboxOptions): readonly ReleaseSource[] => {
  if (options.releases !== undefined && options.releases.length > 0) {
    if (options.vocab !== undefined) throw new TypeError("Give either `vocab` or `releases`, not both")
    return options.releases
  }
  const name = options.defaultRelease ?? DEFAULT_RELEASE_NAME
  return [options.vocab === undefined ? { name } : { name, vocab: options.vocab }]
}

const logSink = (log: SandboxOptions["log"]): ((line: string) => void) | undefined => {
  if (log === true) return (line) => console.error(`[sandbox] ${line}`)
  if (typeof log === "function") return log
  return undefined
}

/**
 * Starts the sandbox on a real socket (default `127.0.0.1` and a free port) under the current
 * runtime: Node, Deno or Bun. Resolves once it is listening. Rejects for an invalid port, both
 * `vocab` and `releases`, an unreadable vocabulary or keys file, or a port already in use.
 *
 * @example
 * ```ts
 * import { start } from "@omophub/sandbox"
 *
 * await using sandbox = await start({ keys: ["oh_test_key"] })
 * const response = await fetch(`${sandbox.url}/concepts/201826`, {
 *   headers: { Authorization: "Bearer oh_test_key" },
 * })
 * console.log(response.status, sandbox.requests().length) // 200 1
 * ```
 */
export async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port ${port}`)
  const hostname = options.hostname ?? "127.0.0.1"
  const [releases, fileKeys] = await Promise.all([
    loadReleases(releaseSources(options)),
    options.keysFile === undefined ? [] : loadKeysFile(options.keysFile),
  ])
  const log = logSink(options.log)
  const built = createApp({
    releases,
    keys: [...(options.keys ?? []), ...fileKeys],
    ...(options.defaultRelease === undefined ? {} : { defaultRelease: options.defaultRelease }),
    ...(options.invalidKeyStatus === undefined ? {} : { invalidKeyStatus: options.invalidKeyStatus }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.control === undefined ? {} : { control: options.control }),
    ...(log === undefined ? {} : { log }),
  })
  const listening = await listen(built.app.fetch, port, hostname)
  const host = hostname.includes(":") ? `[${hostname}]` : hostname
  const origin = `http://${host}:${listening.port}`
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= (async () => {
      built.control.shutdown()
      await listening.close()
    })()
    return closed
  }
  return {
    url: `${origin}/v1`,
    origin,
    port: listening.port,
    defaultKey: built.defaultKey,
    releases: built.releases.names(),
    defaultRelease: built.releases.defaultRelease.name,
    control: built.control,
    requests: () => built.control.requests(),
    clearRequests: () => built.control.clearRequests(),
    close,
    [Symbol.asyncDispose]: close,
  }
}
