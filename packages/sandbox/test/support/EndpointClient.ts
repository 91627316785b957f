/**
 * Starts one real sandbox (built-in vocabulary as the default `2025.2` release, plus the shared
 * synthea27nj Athena subset as `synthea`) and talks to it over HTTP like a client would.
 */
import path from "node:path"
import { fileURLToPath } from "node:url"
import { type Sandbox, start } from "../../src/server/Start.ts"

/** The repository root; the shared vocabulary sits beside it (CI clones elsewhere). */
export const repoRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..")
export const syntheaDir = path.resolve(repoRoot, "../shared/vocab/synthea27nj")

const apiKey = "oh_endpoints_test_key"

export interface Reply {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  readonly body: any
}

export interface EndpointClient {
  readonly sandbox: Sandbox
  /** `path` is relative to /v1 and may carry its own (already encoded) query string. */
  get(path: string, query?: Record<string, string | number | boolean>): Promise<Reply>
  post(path: string, body: unknown, query?: Record<string, string | number | boolean>): Promise<Reply>
  /** Sends `body` verbatim (for malformed JSON). */
  postRaw(path: string, body: string): Promise<Reply>
  close(): Promise<void>
}

export const startEndpointClient = async (): Promise<EndpointClient> => {
  const sandbox = await start({
    releases: [{ name: "2025.2" }, { name: "synthea", vocab: syntheaDir }],
    keys: [apiKey],
  })
  const url = (target: string, query?: Record<string, string | number | boolean>) => {
    const search = new URLSearchParams(
      Object.entries(query ?? {}).map(([key, value]) => [key, String(value)] as [string, string]),
    ).toString()
    return `${sandbox.url}${target}${search === "" ? "" : (target.includes("?") ? "&" : "?") + search}`
  }
  const send = async (target: string, init: RequestInit): Promise<Reply> => {
    const response = await fetch(target, {
      ...init,
      headers: {
        Authorization: `Bearer ${apiKey}`,
        Accept: "application/json",
        "Content-Type": "application/json",
      },
    })
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text),
    }
  }
  return {
    sandbox,
    get: (target, query) => send(url(target, query), { method: "GET" }),
    post: (target, body, query) => send(url(target, query), { method: "POST", body: JSON.stringify(body) }),
    postRaw: (target, body) => send(url(target), { method: "POST", body }),
    close: () => sandbox.close(),
  }
}

/** The contract's pagination invariants (§4.0). */
export const expectPaginationInvariants = (
  // biome-ignore lint/suspicious/noExplicitAny: envelope meta
  pagination: any,
  expected: { page: number; pageSize: number },
): void => {
  const { page, page_size, total_items, total_pages, has_next, has_previous } = pagination
  if (page !== expected.page || page_size !== expected.pageSize) {
    throw new Error(
      `pagination page/page_size ${page}/${page_size}, expected ${expected.page}/${expected.pageSize}`,
    )
  }
  const pages = Math.max(1, Math.ceil(total_items / page_size))
  if (total_pages !== pages) throw new Error(`total_pages ${total_pages}, expected ${pages}`)
  if (has_previous !== page > 1) throw new Error(`has_previous ${has_previous} on page ${page}`)
  if (has_next !== page < pages) throw new Error(`has_next ${has_next} on page ${page} of ${pages}`)
}
