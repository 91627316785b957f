/**
 * Where the example sends its requests: the server named by OMOPHUB_API_URL when it is set (the key
 * from OMOPHUB_API_KEY, else the credentials file, else the OS keychain), otherwise a local sandbox started here (built-in
 * vocabulary, or `--vocab DIR` in Athena format).
 */
import { createClient, type OMOPHub } from "@omophub/deno"

export interface Connection {
  readonly client: OMOPHub
  readonly description: string
  readonly close: () => Promise<void>
}

/** The part of `@omophub/sandbox` used here. */
interface SandboxModule {
  start(options: { readonly vocab?: string }): Promise<{
    readonly url: string
    readonly defaultKey: string | undefined
    close(): Promise<void>
  }>
}

export const connect = async (vocab: string | undefined): Promise<Connection> => {
  const apiUrl = Deno.env.get("OMOPHUB_API_URL")
  if (apiUrl) {
    // Key from OMOPHUB_API_KEY, else the credentials file, else the OS keychain.
    const client = createClient()
    return { client, description: apiUrl, close: () => client.close() }
  }
  // Imported by a variable name so that `deno check` leaves the sandbox out: it is a dev tool typed
  // for Node (its own tsconfig asks for @types/node), and `deno run` loads it all the same.
  const sandboxModule: string = "@omophub/sandbox"
  const { start } = (await import(sandboxModule)) as SandboxModule
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
