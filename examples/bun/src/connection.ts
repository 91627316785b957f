/**
 * Where the example sends its requests: the server named by OMOPHUB_API_URL when it is set (the key
 * from OMOPHUB_API_KEY, else the credentials file, else the OS keychain), otherwise a local sandbox started here (built-in
 * vocabulary, or `--vocab DIR` in Athena format). Under Bun the sandbox serves with `Bun.serve`.
 */
import { createClient, type OMOPHub } from "@omophub/bun"

export interface Connection {
  readonly client: OMOPHub
  readonly description: string
  readonly close: () => Promise<void>
}

export const connect = async (vocab: string | undefined): Promise<Connection> => {
  const apiUrl = process.env.OMOPHUB_API_URL
  if (apiUrl) {
    // Key from OMOPHUB_API_KEY, else the credentials file, else the OS keychain.
    const client = createClient()
    return { client, description: apiUrl, close: () => client.close() }
  }
  const { start } = await import("@omophub/sandbox")
  const sandbox = await start(vocab === undefined ? {} : { vocab })
  const client = createClient({ baseUrl: sandbox.url, apiKey: sandbox.defaultKey })
  return {
    client,
    description: `a local sandbox at ${sandbox.url} (${vocab ?? "built-in vocabulary"})`,
    close: async () => {
      await client.close()
      await sandbox.close()
    },
  }
}
