/**
 * The SDK client for this page. The page holds no API key: the base URL comes from `GET /config`,
 * and the key from `POST /token` on the page's own server, through the `fromCallback` provider. The
 * client asks for a new token shortly before `expiresAt`, or when the API rejects the current one.
 */
import { createClient, fromCallback, type OMOPHub } from "@omophub/browser"

export interface PageConfig {
  readonly apiUrl: string
  readonly source: "sandbox" | "api"
  readonly description: string
}

const getJson = async <A>(path: string, init: RequestInit): Promise<A> => {
  const response = await fetch(path, { ...init, headers: { accept: "application/json" } })
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}`)
  return (await response.json()) as A
}

export const loadConfig = (): Promise<PageConfig> => getJson<PageConfig>("/config", { method: "GET" })

export const connect = (config: PageConfig): OMOPHub =>
  createClient({
    baseUrl: config.apiUrl,
    credentials: fromCallback(({ signal }) =>
      getJson<{ token: string; expiresAt: number }>("/token", {
        method: "POST",
        signal,
        cache: "no-store",
        credentials: "same-origin",
      }),
    ),
  })
