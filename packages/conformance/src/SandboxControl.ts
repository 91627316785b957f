/**
 * The sandbox's HTTP control routes (`/_sandbox/*`, started with `control: true`), over plain
 * `fetch` so the same code scripts faults from Node, Deno, Bun and a browser page.
 *
 * @module
 */

/** One entry of the sandbox's request log, as far as the scenarios read it. */
export interface LoggedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly status: number | null
  readonly fault?: string | undefined
}

export interface SandboxControl {
  /** Queues one fault (see the sandbox README for the spec). */
  readonly fault: (spec: Readonly<Record<string, unknown>>) => Promise<void>
  readonly addKey: (key: string) => Promise<void>
  readonly revokeKey: (key: string) => Promise<void>
  /** The API requests received, oldest first; a browser's CORS preflights (OPTIONS) are left out. */
  readonly requests: () => Promise<ReadonlyArray<LoggedRequest>>
  /** Back to the start-up keys and limits, no faults, an empty log. */
  readonly reset: () => Promise<void>
}

/** `apiUrl` is the client's base URL (`http://127.0.0.1:PORT/v1`); the control routes sit beside `/v1`. */
export const sandboxControl = (apiUrl: string): SandboxControl => {
  const origin = new URL(apiUrl).origin
  const call = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${origin}/_sandbox/${route}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`sandbox control ${method} ${route} answered ${response.status}`)
    return text === "" ? undefined : JSON.parse(text)
  }
  return {
    fault: async (spec) => void (await call("POST", "faults", spec)),
    addKey: async (key) => void (await call("POST", "keys", { key })),
    revokeKey: async (key) => void (await call("POST", "keys/revoke", { key })),
    requests: async () =>
      ((await call("GET", "requests")) as { requests: LoggedRequest[] }).requests.filter(
        (request) => request.method !== "OPTIONS",
      ),
    reset: async () => void (await call("POST", "reset")),
  }
}
