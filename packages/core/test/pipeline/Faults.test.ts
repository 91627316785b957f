// Retries, timeouts, decoding and cancellation over real HTTP, with faults scripted in the sandbox and
// the attempts counted from its request log.
import { type Sandbox, start } from "@omophub/sandbox"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  ConnectionError,
  createClient,
  DecodeError,
  makeOperation,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../../src/index.ts"
import { failureOf, runWithClient, runWithPipeline, waitUntil } from "./support.ts"

const apiKey = "oh_faults_key_0001"
let sandbox: Sandbox
let options: { apiKey: string; baseUrl: string }

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey] })
  options = { apiKey, baseUrl: sandbox.url }
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.control.reset())

const statuses = () => sandbox.requests().map((r) => r.status)
const getConcept = (client: { concepts: { get: (id: number) => Effect.Effect<unknown, unknown> } }) =>
  client.concepts.get(201826)

describe("retries", () => {
  it("waits out a 429 storm as Retry-After says, then succeeds", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id",
      kind: "status",
      status: 429,
      retryAfter: 1,
      times: 3,
    })
    const started = Date.now()
    const exit = await runWithClient(options, getConcept)
    const elapsed = Date.now() - started
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(statuses()).toEqual([429, 429, 429, 200])
    expect(elapsed).toBeGreaterThanOrEqual(2900)
    expect(elapsed).toBeLessThan(6000)
  })

  it("stops after maxRetries and fails with the RateLimitError", async () => {
    sandbox.control.fault({ kind: "status", status: 429, retryAfter: 0, times: 10 })
    const error = failureOf(await runWithClient({ ...options, maxRetries: 2 }, getConcept))
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ status: 429, retryAfter: 0, operation: "concepts.get" })
    expect(statuses()).toEqual([429, 429, 429])
  })

  it("retries a GET after 503", async () => {
    sandbox.control.fault({ kind: "status", status: 503, times: 1 })
    const exit = await runWithClient(options, getConcept)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(statuses()).toEqual([503, 200])
  })

  it("retries after a connection reset and after a truncated body", async () => {
    sandbox.control.fault([
      { kind: "reset", phase: "before-headers", times: 1 },
      { kind: "truncate", sendBytes: 20, times: 1 },
    ])
    const exit = await runWithClient(options, getConcept)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(sandbox.requests().map((r) => r.fault ?? "none")).toEqual(["reset", "truncate", "none"])
  })

  it("reports a ConnectionError once retries run out", async () => {
    sandbox.control.fault({ kind: "reset", phase: "before-headers", times: 5 })
    const error = failureOf(await runWithClient({ ...options, maxRetries: 1 }, getConcept))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(sandbox.requests()).toHaveLength(2)
  })

  const batch = (safeToReplay: boolean) =>
    makeOperation({
      resource: "test",
      name: "batch",
      method: "POST",
      path: "/concepts/batch",
      safeToReplay,
      pagination: "none",
      encode: (ids: ReadonlyArray<number>) => ({ body: { concept_ids: ids } }),
      data: Schema.Unknown,
      output: (data) => data,
    })

  it("does not replay a POST that is not safe to replay and has no Idempotency-Key", async () => {
    sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "status", status: 503, times: 1 })
    const error = failureOf(
      await runWithPipeline(options, (pipeline) => pipeline.execute(batch(false), [201826])),
    )
    expect(error).toBeInstanceOf(ServerError)
    expect(statuses()).toEqual([503])
  })

  it("replays that POST when it carries an Idempotency-Key, and a safe one without", async () => {
    const fault503 = () =>
      sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "status", status: 503, times: 1 })
    fault503()
    const withKey = await runWithPipeline(options, (pipeline) =>
      pipeline.execute(batch(false), [201826], { idempotencyKey: "idem-1" }),
    )
    expect(Exit.isSuccess(withKey)).toBe(true)
    fault503()
    const safe = await runWithPipeline(options, (pipeline) => pipeline.execute(batch(true), [201826]))
    expect(Exit.isSuccess(safe)).toBe(true)
    expect(statuses()).toEqual([503, 200, 503, 200])
    expect(sandbox.requests().map((r) => r.headers["idempotency-key"])).toEqual([
      "idem-1",
      "idem-1",
      undefined,
      undefined,
    ])
  })
})

describe("time budget", () => {
  it("ends a hanging request with a TimeoutError within the budget", async () => {
    sandbox.control.fault({ kind: "hang" })
    const started = Date.now()
    const error = failureOf(await runWithClient({ ...options, timeoutMs: 300 }, getConcept))
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ timeoutMs: 300, operation: "concepts.get" })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1500)
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("does not start a server-requested wait that would outlast the budget", async () => {
    sandbox.control.fault({ kind: "status", status: 503, retryAfter: 30, times: 1 })
    const started = Date.now()
    const error = failureOf(await runWithClient({ ...options, timeoutMs: 2000 }, getConcept))
    expect(error).toBeInstanceOf(ServerError)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(statuses()).toEqual([503])
  })
})

describe("decoding", () => {
  it("fails a non-JSON 200 body with a DecodeError, without retrying", async () => {
    sandbox.control.fault({ kind: "body", status: 200, body: "<html>maintenance</html>" })
    const error = failureOf(await runWithClient(options, getConcept))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ status: 200, operation: "concepts.get", path: undefined })
    expect((error as DecodeError).message).not.toContain("maintenance")
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("points a DecodeError at the mismatching field", async () => {
    sandbox.control.fault({
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: { concept_id: "201826", concept_name: "x", vocabulary_id: "SNOMED", concept_code: "1" },
      },
    })
    const error = failureOf(await runWithClient(options, getConcept))
    expect(error).toBeInstanceOf(DecodeError)
    expect((error as DecodeError).path).toBe("data.concept_id")
    expect((error as DecodeError).requestId).toBe(sandbox.requests()[0]!.id)
  })
})

describe("cancellation", () => {
  it("an abort during a backoff wait ends the call at once, with the signal's reason and no timer left", async () => {
    sandbox.control.fault({ kind: "status", status: 503, retryAfter: 5, times: 1 })
    const client = createClient({ ...options, rateLimitState: "isolated" })
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
    try {
      const controller = new AbortController()
      const call = client.concepts.get(201826, { signal: controller.signal })
      const settled = call.then(
        () => "resolved",
        (reason: unknown) => reason,
      )
      await waitUntil(() => sandbox.requests()[0]?.status === 503)
      // Give the client a moment to read the 503 and start its 5 s wait.
      await new Promise((resolve) => setTimeout(resolve, 50))
      const timersDuringWait = timers()
      const abortedAt = performance.now()
      controller.abort()
      const outcome = await settled
      expect(performance.now() - abortedAt).toBeLessThan(50)
      expect(outcome).toBe(controller.signal.reason)
      expect((outcome as DOMException).name).toBe("AbortError")
      // The 5 s backoff timer is gone (cleared, not left to fire).
      expect(timers()).toBeLessThan(timersDuringWait)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(sandbox.requests()).toHaveLength(1)
    } finally {
      await client.close()
    }
  })

  it("an abort during the request aborts the fetch in flight", async () => {
    sandbox.control.fault({ kind: "hang" })
    const client = createClient({ ...options, rateLimitState: "isolated" })
    try {
      const controller = new AbortController()
      const call = client.concepts
        .get(201826, { signal: controller.signal })
        .catch((reason: unknown) => reason)
      await waitUntil(() => sandbox.requests().length === 1)
      controller.abort(new Error("user navigated away"))
      expect(await call).toBe(controller.signal.reason)
      expect(sandbox.requests()).toHaveLength(1)
      // An already-aborted signal rejects without sending anything.
      expect(await client.concepts.get(1, { signal: controller.signal }).catch((r: unknown) => r)).toBe(
        controller.signal.reason,
      )
      expect(sandbox.requests()).toHaveLength(1)
    } finally {
      await client.close()
    }
  })
})
