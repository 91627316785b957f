/**
 * Where the example sends its requests: the server named by OMOPHUB_API_URL when it is set (the key
 * from OMOPHUB_API_KEY, else the credentials file, else the OS keychain), otherwise a local sandbox
 * started here (built-in vocabulary, or `--vocab DIR` in Athena format).
 */
export interface Connection {
  readonly baseUrl: string | undefined
  readonly apiKey: string | undefined
  readonly description: string
  readonly close: () => Promise<void>
}

export const connect = async (vocab: string | undefined): Promise<Connection> => {
  if (process.env.OMOPHUB_API_URL) {
    // The client reads OMOPHUB_API_URL itself, and the key from its default credential chain.
    return {
      baseUrl: undefined,
      apiKey: undefined,
      description: process.env.OMOPHUB_API_URL,
      close: async () => {},
    }
  }
  const { start } = await import("@omophub/sandbox")
  const sandbox = await start(vocab === undefined ? {} : { vocab })
  return {
    baseUrl: sandbox.url,
    apiKey: sandbox.defaultKey,
    description: `a local sandbox at ${sandbox.url} (${vocab ?? "built-in vocabulary"})`,
    close: () => sandbox.close(),
  }
}
