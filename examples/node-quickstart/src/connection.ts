/**
 * Where the example sends its requests: the real API when OMOPHUB_API_URL and OMOPHUB_API_KEY are
 * set, otherwise a local sandbox started here (built-in vocabulary, or `--vocab DIR` in Athena format).
 */
export interface Connection {
  readonly baseUrl: string | undefined
  readonly apiKey: string | undefined
  readonly description: string
  readonly close: () => Promise<void>
}

export const connect = async (argv: ReadonlyArray<string>): Promise<Connection> => {
  if (process.env.OMOPHUB_API_URL && process.env.OMOPHUB_API_KEY) {
    // The client reads both variables itself.
    return {
      baseUrl: undefined,
      apiKey: undefined,
      description: process.env.OMOPHUB_API_URL,
      close: async () => {},
    }
  }
  const vocabFlag = argv.indexOf("--vocab")
  const vocab = vocabFlag >= 0 ? argv[vocabFlag + 1] : undefined
  const { start } = await import("@omophub/sandbox")
  const sandbox = await start(vocab === undefined ? {} : { vocab })
  return {
    baseUrl: sandbox.url,
    apiKey: sandbox.defaultKey,
    description: `a local sandbox at ${sandbox.url} (${vocab ?? "built-in vocabulary"})`,
    close: () => sandbox.close(),
  }
}
