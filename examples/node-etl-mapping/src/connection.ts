/**
 * Where the ETL sends its requests: the server named by OMOPHUB_API_URL when it is set (the key from
 * OMOPHUB_API_KEY, else the credentials file, else the OS keychain), otherwise a local sandbox started here (built-in vocabulary, or `--vocab DIR` in Athena format)
 * with a per-second rate limit, so the rate-limit display has something to show.
 */
import type { Sandbox } from "@omophub/sandbox"

export interface Connection {
  readonly baseUrl: string | undefined
  readonly apiKey: string | undefined
  readonly description: string
  /** Our own sandbox, when we started one: its request log and fault control. */
  readonly sandbox: Sandbox | undefined
  readonly close: () => Promise<void>
}

export interface ConnectOptions {
  readonly vocab: string | undefined
  /** Requests per second the sandbox allows each key. */
  readonly rateLimit: number
}

export const connect = async (options: ConnectOptions): Promise<Connection> => {
  if (process.env.OMOPHUB_API_URL) {
    // The client reads OMOPHUB_API_URL itself, and the key from its default credential chain.
    return {
      baseUrl: undefined,
      apiKey: undefined,
      description: process.env.OMOPHUB_API_URL,
      sandbox: undefined,
      close: async () => {},
    }
  }
  const { start } = await import("@omophub/sandbox")
  const sandbox = await start({
    ...(options.vocab === undefined ? {} : { vocab: options.vocab }),
    rateLimit: { limit: options.rateLimit, windowMs: 1000 },
  })
  return {
    baseUrl: sandbox.url,
    apiKey: sandbox.defaultKey,
    description:
      `a local sandbox at ${sandbox.url} (${options.vocab ?? "built-in vocabulary"}, ` +
      `${options.rateLimit} requests/s)`,
    sandbox,
    close: () => sandbox.close(),
  }
}
