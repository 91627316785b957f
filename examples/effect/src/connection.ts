/**
 * Where the example sends its requests: the server named by OMOPHUB_API_URL when it is set (the key
 * from OMOPHUB_API_KEY, else the credentials file, else the OS keychain), otherwise a local sandbox
 * started here (built-in vocabulary, or `--vocab DIR` in Athena format).
 * A sandbox started here also gets a few scripted faults (unless `--no-faults`), so that the retries
 * have something to do.
 */
export interface Connection {
  readonly baseUrl: string | undefined
  readonly apiKey: string | undefined
  /** The key in use, to check it never shows up in what the example prints (never printed itself). */
  readonly secret: string | undefined
  readonly description: string
  /** Scripted faults, described for the reader; empty against the real API. */
  readonly faults: ReadonlyArray<string>
  readonly close: () => Promise<void>
}

export interface ConnectOptions {
  readonly vocab: string | undefined
  readonly faults: boolean
}

export const connect = async ({ vocab, faults: withFaults }: ConnectOptions): Promise<Connection> => {
  if (process.env.OMOPHUB_API_URL) {
    // The client reads OMOPHUB_API_URL itself, and the key from its default credential chain.
    return {
      baseUrl: undefined,
      apiKey: undefined,
      secret: process.env.OMOPHUB_API_KEY,
      description: process.env.OMOPHUB_API_URL,
      faults: [],
      close: async () => {},
    }
  }
  const { start } = await import("@omophub/sandbox")
  // A per-key limit, so the responses carry RateLimit-* headers for the client to read.
  const rateLimit = { limit: 100, windowMs: 60_000 }
  const sandbox = await start(vocab === undefined ? { rateLimit } : { vocab, rateLimit })
  const faults: string[] = []
  if (withFaults) {
    // One 503 on the first batch: the SDK's own retry absorbs it.
    sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "status", status: 503 })
    faults.push("POST /v1/concepts/batch answers 503 once")
    // Three 503s on search: more than the client's 2 retries, so the app's schedule steps in.
    sandbox.control.fault({ match: "GET /v1/search/concepts", kind: "status", status: 503, times: 3 })
    faults.push("GET /v1/search/concepts answers 503 three times")
  }
  return {
    baseUrl: sandbox.url,
    apiKey: sandbox.defaultKey,
    secret: sandbox.defaultKey,
    description: `a local sandbox at ${sandbox.url} (${vocab ?? "built-in vocabulary"})`,
    faults,
    close: () => sandbox.close(),
  }
}
