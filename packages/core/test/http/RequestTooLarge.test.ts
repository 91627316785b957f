// A request too large for a server: a very long `search.basic` query is refused before anything is
// sent (`ValidationError`), and a 413/414/431 response (here the sandbox's Node HTTP server refusing
// a 100 000-character URL with 431) is an `ApiError` with code `request_too_large` and a message that
// says what to shorten, not a bare "HTTP 431", and it is not retried.
import { type Sandbox, start } from "@omophub/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { classifyResponse } from "../../src/http/Classify.ts"
import { ApiError, createClient, ValidationError } from "../../src/index.ts"
import { syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_request_too_large_key_01"
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab })
})
afterAll(async () => {
  await sandbox.close()
})

const client = () =>
  createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", batching: false })

describe("a request too large", () => {
  it("search.basic with a query over 500 characters is a ValidationError, and nothing is sent", async () => {
    sandbox.clearRequests()
    const error = await client()
      .search.basic("x".repeat(100_000))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["query"])
    expect((error as ValidationError).message).toContain("1 to 500 characters")
    expect(sandbox.requests()).toHaveLength(0)
    // The longest accepted query is sent as given.
    await expect(client().search.basic("x".repeat(500), { pageSize: 1 })).resolves.toBeDefined()
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("a URL the server refuses (431) is an ApiError saying to shorten it, sent once", async () => {
    const hits: Array<number> = []
    const fetchCounting: typeof fetch = (input, init) => {
      hits.push(1)
      return fetch(input, init)
    }
    const error = await createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
      fetch: fetchCounting,
    })
      .concepts.getByCode("SNOMED", "x".repeat(100_000))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const apiError = error as ApiError
    expect(apiError.status).toBe(431)
    expect(apiError.code).toBe("request_too_large")
    expect(apiError.retryable).toBe(false)
    expect(apiError.message).toMatch(/^Request too large \(HTTP 431 .*\): .*shorten the query/)
    expect(apiError.message).not.toContain(apiKey)
    expect(hits).toHaveLength(1) // not retried: the same request cannot succeed
  })

  it("classifies 413, 414 and 431 the same way, keeping a server's own code and message", () => {
    const classify = (status: number, body = "") =>
      classifyResponse({ status, headers: {}, body, operation: "search.basic", nowMs: 0 })
    for (const [status, part] of [
      [413, "request body"],
      [414, "URL"],
      [431, "URL or headers"],
    ] as const) {
      const error = classify(status)
      expect(error?._tag).toBe("ApiError")
      expect(error?.code).toBe("request_too_large")
      expect(error?.retryable).toBe(false)
      expect(error?.message).toContain(part)
    }
    const own = classify(
      414,
      JSON.stringify({ error: { code: "query_too_long", message: "Query too long" } }),
    )
    expect(own?.code).toBe("query_too_long")
    expect(own?.message).toBe("Query too long")
  })
})
