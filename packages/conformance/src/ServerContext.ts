/**
 * The context for server runtimes (Node, Deno, Bun): clients get the sandbox's URL and key from
 * `OMOPHUB_API_URL` / `OMOPHUB_API_KEY`, the way users configure them, so the adapter's default
 * chain and base-URL lookup are exercised too.
 *
 * @module
 */
import { sandboxControl } from "./SandboxControl.ts"
import type { ConformanceClient, ConformanceContext } from "./scenarios.ts"

/** The part of a server adapter the context needs. */
export interface ServerAdapter {
  readonly createClient: (options?: {
    readonly apiKey?: string
    readonly credentials?: never
  }) => ConformanceClient
  readonly fromCallback: (callback: () => Promise<string>) => unknown
}

export const serverContext = (
  runtime: string,
  adapter: ServerAdapter,
  apiUrl: string | undefined,
): ConformanceContext => {
  if (apiUrl === undefined || apiUrl === "") {
    throw new Error("OMOPHUB_API_URL is not set: run the conformance suite through the package's test script")
  }
  const createClient = adapter.createClient as (options?: object) => ConformanceClient
  return {
    runtime,
    sandbox: sandboxControl(apiUrl),
    client: () => createClient(),
    clientWithKey: (apiKey) => createClient({ apiKey }),
    clientWithCallback: (callback) => createClient({ credentials: adapter.fromCallback(callback) }),
  }
}
