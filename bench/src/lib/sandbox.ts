/**
 * Runs the sandbox in its own Node process (so its CPU is not the measured client's) and talks to it
 * over loopback: the `/v1` API for clients, the `/_sandbox/*` control routes for the bench.
 */
import { spawn } from "node:child_process"
import { sandboxCli } from "./paths.ts"

/** The key every benchmark client uses: a sandbox key, public on purpose. */
export const benchKey = "oh_bench_key_000001"

export interface LoggedStatus {
  readonly status: number | null
  readonly method: string
  readonly path: string
  /** Server-side milliseconds until the response was produced. */
  readonly durationMs: number | undefined
}

export interface SandboxProcess {
  /** Base URL for clients, `http://127.0.0.1:PORT/v1`. */
  readonly url: string
  readonly origin: string
  /** Statuses of the requests received since the last `clearRequests()`. */
  readonly requests: () => Promise<ReadonlyArray<LoggedStatus>>
  readonly clearRequests: () => Promise<void>
  /** Replaces the per-key rate limit (`undefined`: none); counters restart. */
  readonly setRateLimit: (
    limit: { readonly limit: number; readonly windowMs: number } | undefined,
  ) => Promise<void>
  readonly close: () => Promise<void>
}

export const startSandbox = (vocabDir: string): Promise<SandboxProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [sandboxCli, "--vocab", vocabDir, "--key", benchKey, "--control", "--quiet"],
      { stdio: ["ignore", "pipe", "pipe"] },
    )
    let stdout = ""
    let stderr = ""
    let started = false
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      if (!started) stderr += chunk
    })
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      if (started) return
      stdout += chunk
      const newline = stdout.indexOf("\n")
      if (newline === -1) return
      started = true
      const url = stdout.slice(0, newline).trim()
      const origin = new URL(url).origin
      const control = async (method: string, route: string, body?: unknown) => {
        const response = await fetch(`${origin}/_sandbox/${route}`, {
          method,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
        })
        if (!response.ok) throw new Error(`sandbox control ${method} ${route}: ${response.status}`)
        return response.json() as Promise<unknown>
      }
      const exited = new Promise<void>((done) => child.once("exit", () => done()))
      resolve({
        url,
        origin,
        requests: async () => {
          const { requests } = (await control("GET", "requests")) as { requests: ReadonlyArray<LoggedStatus> }
          return requests.map(({ status, method, path, durationMs }) => ({
            status,
            method,
            path,
            durationMs,
          }))
        },
        clearRequests: async () => {
          await control("DELETE", "requests")
        },
        setRateLimit: async (limit) => {
          await control("PUT", "rate-limit", limit ?? null)
        },
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
          await exited
        },
      })
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      if (!started) reject(new Error(`sandbox exited before listening (${code}): ${stderr.trim()}`))
    })
  })
