// The API key (or the word `Bearer`) must never surface in an error, its rendering, a log line, a span
// or a URL — checked for a 401, a network failure and a timeout, with debug logging captured.
import { inspect } from "node:util"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  AuthenticationError,
  type ClientOptions,
  ConnectionError,
  createClient,
  OmopHubClient,
  TimeoutError,
} from "../../src/index.ts"

const secretKey = "oh_hygiene_secret_Q7x9Z2k4W8"
let sandbox: Sandbox
let closedPortUrl: string

beforeAll(async () => {
  sandbox = await start({ keys: ["oh_some_other_key_1"] })
  const closed = await start()
  closedPortUrl = closed.url
  await closed.close()
})
afterAll(() => sandbox.close())

/** Every text a leak could hide in, for one failed call. */
const runAndRender = async (options: ClientOptions) => {
  const logs: Array<string> = []
  const spans: Array<Tracer.NativeSpan> = []
  const capture = Logger.make((entry) => {
    logs.push(`${inspect(entry.message, { depth: 10 })} ${Cause.pretty(entry.cause)}`)
  })
  const tracer = Tracer.make({
    span: (spanOptions) => {
      const span = new Tracer.NativeSpan(spanOptions)
      spans.push(span)
      return span
    },
  })
  const exit = await Effect.runPromiseExit(
    Effect.flatMap(Effect.service(OmopHubClient), (client) => client.concepts.get(201826)).pipe(
      Effect.provide(OmopHubClient.layer({ rateLimitState: "isolated", ...options })),
      Effect.withTracer(tracer),
      Effect.provide(Logger.layer([capture])),
      Effect.provideService(References.MinimumLogLevel, "Debug"),
    ),
  )
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = Cause.squash(exit.cause) as Error & { cause?: unknown }
  const rendered = [
    error.message,
    String(error),
    String(error.cause),
    error.stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    Cause.pretty(exit.cause),
    ...logs,
    ...spans.map((span) => inspect({ name: span.name, attributes: span.attributes, events: span.events })),
    ...sandbox.requests().map((r) => `${r.path} ${JSON.stringify(r.query)}`),
  ]
  return { error, rendered, logs, spans }
}

/** No 7-character run of the key and no `Bearer` anywhere. */
const expectNoSecret = (rendered: ReadonlyArray<string>) => {
  const text = rendered.join("\n")
  expect(text).not.toContain("Bearer")
  for (let i = 0; i + 7 <= secretKey.length; i++) expect(text).not.toContain(secretKey.slice(i, i + 7))
}

describe("secret hygiene", () => {
  it("401: nothing in the error, logs, spans or URLs", async () => {
    sandbox.clearRequests()
    const { error, rendered, logs, spans } = await runAndRender({ apiKey: secretKey, baseUrl: sandbox.url })
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(logs.length).toBeGreaterThan(0)
    expect(spans.map((s) => s.name)).toContain("omophub.concepts.get")
    expectNoSecret(rendered)
  })

  it("network failure (closed port): nothing in the error, logs or spans", async () => {
    const { error, rendered, logs } = await runAndRender({
      apiKey: secretKey,
      baseUrl: closedPortUrl,
      maxRetries: 1,
    })
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).causeDescription).toMatch(/ECONNREFUSED|fetch failed/)
    expect(logs.some((line) => line.includes("omophub retry"))).toBe(true)
    expectNoSecret(rendered)
  })

  it("timeout: nothing in the error, logs or spans", async () => {
    sandbox.clearRequests()
    sandbox.control.fault({ kind: "hang" })
    const { error, rendered } = await runAndRender({
      apiKey: secretKey,
      baseUrl: sandbox.url,
      timeoutMs: 200,
    })
    expect(error).toBeInstanceOf(TimeoutError)
    expectNoSecret(rendered)
  })

  it("the Promise client's rejection carries no secret either", async () => {
    const client = createClient({ apiKey: secretKey, baseUrl: closedPortUrl, maxRetries: 0 })
    try {
      const error = (await client.concepts.get(201826).catch((e: unknown) => e)) as Error
      expect(error).toBeInstanceOf(ConnectionError)
      expectNoSecret([
        error.message,
        error.stack ?? "",
        JSON.stringify(error),
        inspect(error, { depth: Infinity }),
      ])
    } finally {
      await client.close()
    }
  })

  it("the span names the route template, method, status, attempts and request id — not the filled URL", async () => {
    sandbox.clearRequests()
    const { spans } = await runAndRender({ apiKey: secretKey, baseUrl: sandbox.url })
    const span = spans.find((s) => s.name === "omophub.concepts.get")!
    expect(Object.fromEntries(span.attributes)).toEqual({
      "http.request.method": "GET",
      "url.template": "/concepts/{concept_id}",
      "omophub.operation": "concepts.get",
      "http.response.status_code": 401,
      "omophub.attempts": 1,
      "omophub.request_id": sandbox.requests()[0]!.id,
    })
  })
})
