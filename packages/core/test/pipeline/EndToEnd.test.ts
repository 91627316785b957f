// concepts.get and search.basic end to end over real HTTP against the sandbox serving the Synthea
// vocabulary subset, from an Effect program and from the Promise client.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError } from "../../src/index.ts"
import { failureOf, runWithClient, syntheaVocab } from "./support.ts"

const apiKey = "oh_e2e_key_0001"
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab, rateLimit: { limit: 50, windowMs: 1000 } })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.control.reset())

describe("Effect client", () => {
  it("gets concept 201826 and searches for diabetes", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (client) =>
      Effect.all([client.concepts.get(201826), client.search.basic("diabetes", { pageSize: 5 })]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(`failed: ${String(exit.cause)}`)
    const [concept, search] = exit.value
    expect(concept).toMatchObject({
      concept_id: 201826,
      concept_name: "Type 2 diabetes mellitus",
      vocabulary_id: "SNOMED",
      domain_id: "Condition",
      standard_concept: "S",
      concept_code: "44054006",
    })
    expect(search.concepts.length).toBeGreaterThan(0)
    expect(search.concepts.length).toBeLessThanOrEqual(5)
    expect(search.concepts.every((c) => /diabet/i.test(c.concept_name))).toBe(true)
    expect(search.pagination).toMatchObject({ page: 1, page_size: 5 })

    const requests = sandbox.requests()
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
      "GET /v1/concepts/201826 200",
      "GET /v1/search/concepts 200",
    ])
    const search_request = requests.find((r) => r.path === "/v1/search/concepts")!
    expect(search_request.query).toEqual({ query: "diabetes", page_size: "5" })
    expect(search_request.headers["user-agent"]).toMatch(/^omophub-typescript\//)
    expect(search_request.headers.authorization).toBe("Bearer [redacted]")
  })

  it("fails a missing concept with NotFoundError carrying status, code and the request id", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (client) =>
      client.concepts.get(999999999),
    )
    const error = failureOf(exit)
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).toMatchObject({ status: 404, operation: "concepts.get", retryable: false })
    expect((error as NotFoundError).requestId).toBe(sandbox.requests()[0]!.id)
  })
})

describe("rate limits", () => {
  it("a burst beyond the server limit completes, the excess waiting for the next window", async () => {
    sandbox.control.setRateLimit({ limit: 3, windowMs: 1000 })
    const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", batching: false })
    try {
      const ids = [201826, 320128, 4329847, 1112807, 201826, 320128]
      const results = await Promise.all(ids.map((id) => client.concepts.get(id)))
      expect(results.map((c) => c.concept_id)).toEqual(ids)
      const answered = sandbox.requests().filter((r) => r.status === 200)
      expect(answered).toHaveLength(ids.length)
      // The fourth success had to wait for the next one-second window.
      const times = answered.map((r) => Date.parse(r.receivedAt)).sort((a, b) => a - b)
      expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(900)
      expect(await client.rateLimit.current()).toMatchObject({ limit: 3 })
    } finally {
      await client.close()
    }
  })
})

describe("Promise client", () => {
  it("gets concept 201826 and searches for diabetes, and exposes the rate-limit state", async () => {
    const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
    try {
      const concept = await client.concepts.get(201826, { includeSynonyms: true })
      expect(concept.concept_name).toBe("Type 2 diabetes mellitus")
      const search = await client.search.basic("diabetes", { vocabularyIds: ["SNOMED"] })
      expect(search.concepts.length).toBeGreaterThan(0)
      expect(search.concepts.every((c) => c.vocabulary_id === "SNOMED")).toBe(true)

      const snapshot = await client.rateLimit.current()
      expect(snapshot).toMatchObject({ limit: 50 })
      expect(snapshot!.remaining).toBeLessThanOrEqual(48)

      // The change stream replays the latest snapshot, then reports the next response's numbers.
      const iterator = client.rateLimit.changes()[Symbol.asyncIterator]()
      expect((await iterator.next()).value).toMatchObject({ limit: 50 })
      await client.concepts.get(320128)
      const next = await iterator.next()
      expect(next.value).toMatchObject({ limit: 50 })
      await iterator.return?.()
      expect(sandbox.requests().map((r) => r.query)).toContainEqual({ include_synonyms: "true" })
    } finally {
      await client.close()
    }
  })

  it("rejects with the same tagged error objects (Error instances with _tag)", async () => {
    const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
    try {
      const error = await client.concepts.get(999999999).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NotFoundError)
      expect(error).toBeInstanceOf(Error)
      expect((error as NotFoundError)._tag).toBe("NotFoundError")
    } finally {
      await client.close()
    }
  })
})
