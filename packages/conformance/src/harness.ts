/**
 * The host side of a conformance run: starts the sandbox with its HTTP control routes, so that
 * scenarios running in another process or a browser page can script faults and keys over HTTP.
 *
 * @module
 */
import { start } from "@omophub/sandbox"

export interface ConformanceSandbox {
  /** The API base URL, `http://127.0.0.1:PORT/v1`. */
  readonly apiUrl: string
  /** A key the sandbox accepts (its public default key). */
  readonly apiKey: string
  readonly close: () => Promise<void>
}

export const startSandbox = async (): Promise<ConformanceSandbox> => {
  const sandbox = await start({ control: true })
  const apiKey = sandbox.defaultKey
  if (apiKey === undefined) throw new Error("the sandbox started without its default key")
  return { apiUrl: sandbox.url, apiKey, close: () => sandbox.close() }
}
