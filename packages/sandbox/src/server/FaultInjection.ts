/**
 * Turns a scripted `FaultSpec` into what a client observes on the wire. Connection resets are exact
 * on Node (the raw socket is destroyed); on Deno and Bun they are emulated by a body stream that
 * errors, which the runtime turns into an aborted connection after the headers.
 */
import type { Context, Next } from "hono"
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status"
import { errorBody } from "../http/Envelope.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import type { FaultSpec } from "./Faults.ts"

/** @hono/node-server skips writing a response carrying this header (we already killed the socket). */
const ALREADY_SENT = { "x-hono-already-sent": "true" }

/** Resolves after `ms`, or early (with false) when `signal` aborts; never keeps a closed process alive. */
export const sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener("abort", onAbort, { once: true })
  })

const untilAborted = (...signals: AbortSignal[]): Promise<void> =>
  new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve()
    for (const s of signals) s.addEventListener("abort", () => resolve(), { once: true })
  })

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
}

export const codeForStatus = (status: number): string =>
  CODE_BY_STATUS[status] ?? (status >= 500 ? "internal_server_error" : "error")

const applyHeaders = (c: Context<SandboxEnv>, headers: Readonly<Record<string, string>> | undefined) => {
  for (const [name, value] of Object.entries(headers ?? {})) c.header(name, value)
}

const retryAfterValue = (spec: Extract<FaultSpec, { kind: "status" }>): string | undefined => {
  const retryAfter = spec.retryAfter
  if (retryAfter === undefined) return undefined
  const [seconds, format] =
    typeof retryAfter === "number" ? [retryAfter, "delta"] : [retryAfter.seconds, retryAfter.format]
  return format === "http-date"
    ? new Date(Date.now() + seconds * 1000).toUTCString()
    : String(Math.ceil(seconds))
}

/** Emulated reset for runtimes without socket access: a body stream that fails. */
const failingStream = (prefix: Uint8Array | undefined, signal: AbortSignal) =>
  new ReadableStream<Uint8Array>({
    async start(controller) {
      if (prefix !== undefined && prefix.byteLength > 0) controller.enqueue(prefix)
      await sleep(20, signal)
      controller.error(new Error("sandbox fault: connection reset"))
    },
  })

/** A body that sends `prefix` and then destroys the socket (Node) or fails the stream (elsewhere). */
const cutOffBody = (c: Context<SandboxEnv>, prefix: Uint8Array | undefined, signal: AbortSignal) => {
  const socket = c.env?.socket
  if (socket === undefined) return failingStream(prefix, signal)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (prefix !== undefined && prefix.byteLength > 0) controller.enqueue(prefix)
    },
    async pull() {
      // Give the runtime a moment to flush the status line and the prefix before cutting the wire.
      await sleep(20, signal)
      socket.destroy()
    },
  })
}

const resetBeforeHeaders = (c: Context<SandboxEnv>, signal: AbortSignal): Response => {
  const socket = c.env?.socket
  if (socket === undefined) return new Response(failingStream(undefined, signal), { status: 502 })
  socket.destroy()
  return new Response(null, { headers: ALREADY_SENT })
}

const copyHeaders = (res: Response, extra: Record<string, string> = {}): Headers => {
  const headers = new Headers(res.headers)
  headers.delete("content-length")
  for (const [name, value] of Object.entries(extra)) headers.set(name, value)
  return headers
}

/**
 * Applies one fault. Faults that answer on their own return the response; pass-through kinds call
 * `next` for the real response and then replace `c.res`.
 */
export const applyFault = async (
  c: Context<SandboxEnv>,
  next: Next,
  spec: FaultSpec,
  closing: AbortSignal,
): Promise<Response | undefined> => {
  if (spec.delayMs !== undefined && spec.delayMs > 0) await sleep(spec.delayMs, closing)
  switch (spec.kind) {
    case "status": {
      const retryAfter = retryAfterValue(spec)
      const body =
        spec.body !== undefined
          ? spec.body
          : errorBody(c.get("requestId"), codeForStatus(spec.status), `Sandbox fault: HTTP ${spec.status}`)
      return c.json(body, spec.status as ContentfulStatusCode, {
        ...(retryAfter === undefined ? {} : { "Retry-After": retryAfter }),
        ...spec.headers,
      })
    }
    case "body": {
      const contentType = spec.contentType ?? (spec.body === "" ? undefined : "text/html; charset=utf-8")
      const headers = {
        ...(contentType === undefined ? {} : { "Content-Type": contentType }),
        ...spec.headers,
      }
      return spec.body === ""
        ? c.body(null, spec.status as StatusCode, headers)
        : c.body(spec.body, spec.status as ContentfulStatusCode, headers)
    }
    case "pass":
      await next()
      applyHeaders(c, spec.headers)
      return undefined
    case "hang":
      await untilAborted(c.req.raw.signal, closing)
      return resetBeforeHeaders(c, closing)
    case "reset": {
      if (spec.phase === "before-headers") return resetBeforeHeaders(c, closing)
      await next()
      const res = c.res
      // After next() Hono ignores a returned response, so replace c.res instead.
      c.res = new Response(cutOffBody(c, undefined, closing), {
        status: res.status,
        headers: copyHeaders(res),
      })
      return undefined
    }
    case "truncate": {
      await next()
      const res = c.res
      const bytes = new Uint8Array(await res.arrayBuffer())
      const sent = Math.min(
        spec.sendBytes ?? Math.floor(bytes.byteLength / 2),
        Math.max(0, bytes.byteLength - 1),
      )
      const headers = copyHeaders(res, { ...spec.headers, "content-length": String(bytes.byteLength) })
      c.res = new Response(cutOffBody(c, bytes.subarray(0, sent), closing), { status: res.status, headers })
      return undefined
    }
    case "slow-body": {
      await next()
      const res = c.res
      const bytes = new Uint8Array(await res.arrayBuffer())
      const chunkCount = Math.max(1, Math.min(spec.chunks ?? 5, bytes.byteLength))
      const chunkSize = Math.ceil(bytes.byteLength / chunkCount)
      let offset = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (offset > 0 && !(await sleep(spec.chunkDelayMs, closing))) {
            const socket = c.env?.socket
            if (socket === undefined) controller.error(new Error("sandbox closed"))
            else socket.destroy()
            return
          }
          controller.enqueue(bytes.slice(offset, offset + chunkSize))
          offset += chunkSize
          if (offset >= bytes.byteLength) controller.close()
        },
      })
      const headers = copyHeaders(res, { ...spec.headers, "content-length": String(bytes.byteLength) })
      c.res = new Response(body, { status: res.status, headers })
      return undefined
    }
  }
}
