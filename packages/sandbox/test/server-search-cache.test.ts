/**
 * Basic search reuses the answer of an identical earlier request (same release, same query string;
 * the answer is stored the second time a query string is seen).
 * These tests check over HTTP that a reused answer is the one a fresh computation gives, with fresh
 * request ids, and that auth, rate limits, faults and the request log still apply to every request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { LruCache } from "../src/http/LruCache.ts"
import { type Sandbox, start } from "../src/index.ts"
import { bearer, json, syntheaDir } from "./server-support.ts"

const key = "oh_search_cache_key_1"
const headers = bearer(key)
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({
    releases: [{ name: "2025.2" }, { name: "synthea", vocab: syntheaDir }],
    keys: [key],
    control: true,
  })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.control.reset())

const search = (query: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}/search/concepts?${query}`, { ...init, headers: { ...headers, ...init.headers } })

/** The answer without what differs per request (ids, clock, processing time). */
// biome-ignore lint/suspicious/noExplicitAny: envelope asserted field by field
const stable = (body: any) => {
  const { request_id: _id, timestamp: _time, ...meta } = body.meta
  const { processing_time_ms: _ms, ...searchMetadata } = body.data.search_metadata
  return { ...body, data: { ...body.data, search_metadata: searchMetadata }, meta }
}

const queries = [
  "query=diabetes&vocab_release=synthea",
  "query=diabetes&vocab_release=synthea&page_size=3&page=2",
  "query=diabetes&vocab_release=synthea&page_size=3&page=9",
  "query=diabetes%20mellitus&vocab_release=synthea&sort_by=name&sort_order=desc",
  "query=diab&vocab_release=synthea&include_synonyms=true&min_score=0.5",
  "query=diabetes&vocab_release=synthea&domain_ids=Condition&standard_concept=S",
  "query=aspirin",
]

describe("repeated basic searches", () => {
  it("answer exactly what the first (computed) answer said, with fresh request ids", async () => {
    for (const query of queries) {
      const replies = [await search(query), await search(query), await search(query)]
      const bodies = []
      for (const reply of replies) {
        expect(reply.status).toBe(200)
        const body = await json(reply)
        expect(reply.headers.get("x-request-id")).toBe(body.meta.request_id)
        expect(Number.isNaN(Date.parse(body.meta.timestamp))).toBe(false)
        expect(body.data.search_metadata.processing_time_ms).toEqual(expect.any(Number))
        bodies.push(body)
      }
      const [first, second, third] = bodies
      expect(stable(second)).toEqual(stable(first))
      expect(stable(third)).toEqual(stable(first))
      expect(new Set(bodies.map((body) => body.meta.request_id)).size).toBe(3)
    }
  })

  it("agree with a sandbox that never saw the query", async () => {
    await search(queries[1]!)
    await search(queries[1]!)
    const warm = await search(queries[1]!)
    await using fresh = await start({
      releases: [{ name: "2025.2" }, { name: "synthea", vocab: syntheaDir }],
      keys: [key],
    })
    const cold = await fetch(`${fresh.url}/search/concepts?${queries[1]}`, { headers })
    expect(stable(await json(cold))).toEqual(stable(await json(warm)))
  })

  it("keep releases apart when only a header selects the release", async () => {
    await search("query=diabetes", { headers: { "X-Vocab-Release": "synthea" } })
    const synthea = await json(await search("query=diabetes", { headers: { "X-Vocab-Release": "synthea" } }))
    const builtin = await json(await search("query=diabetes"))
    const syntheaAgain = await json(
      await search("query=diabetes", { headers: { "X-Vocab-Release": "synthea" } }),
    )
    expect(synthea.meta.vocab_release).toBe("synthea")
    expect(builtin.meta.vocab_release).toBe("2025.2")
    expect(stable(syntheaAgain)).toEqual(stable(synthea))
    const otherSpelling = await json(
      await search("query=diabetes", { headers: { "X-VOCABULARY-VERSION": "synthea" } }),
    )
    expect(stable(otherSpelling)).toEqual(stable(synthea))
    expect(builtin.data.search_metadata.total_results).not.toBe(synthea.data.search_metadata.total_results)
  })

  it("still validate: a bad request is a 400 every time", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await search("query=diabetes&page_size=0")
      expect(response.status).toBe(400)
      expect((await json(response)).error.code).toBe("validation_error")
    }
  })
})

describe("a reused answer still passes the gateway", () => {
  const query = "query=diabetes&vocab_release=synthea&page_size=2"
  /** Twice: the answer is stored the second time. */
  const warm = async () => {
    expect((await search(query)).status).toBe(200)
    expect((await search(query)).status).toBe(200)
  }

  it("needs a valid key", async () => {
    await warm()
    const missing = await fetch(`${sandbox.url}/search/concepts?${query}`)
    expect(missing.status).toBe(401)
    expect((await json(missing)).error.code).toBe("missing_api_key")
    const wrong = await fetch(`${sandbox.url}/search/concepts?${query}`, { headers: bearer("oh_wrong") })
    expect(wrong.status).toBe(401)
  })

  it("counts against the rate limit", async () => {
    await warm()
    sandbox.control.setRateLimit({ limit: 1, windowMs: 60_000 })
    const allowed = await search(query)
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get("RateLimit-Remaining")).toBe("0")
    const limited = await search(query)
    expect(limited.status).toBe(429)
    expect((await json(limited)).error.code).toBe("rate_limit_exceeded")
  })

  it("honours scripted faults and is logged", async () => {
    await warm()
    sandbox.clearRequests()
    sandbox.control.fault({ match: "GET /v1/search/concepts", kind: "status", status: 503 })
    expect((await search(query)).status).toBe(503)
    expect((await search(query)).status).toBe(200)
    const logged = sandbox.requests()
    expect(logged.map((r) => [r.path, r.status, r.fault])).toEqual([
      ["/v1/search/concepts", 503, "status"],
      ["/v1/search/concepts", 200, undefined],
    ])
    expect(logged[1]?.query).toEqual({ query: "diabetes", vocab_release: "synthea", page_size: "2" })
    expect(logged[1]?.headers.authorization).toBe("Bearer [redacted]")
  })
})

describe("LruCache", () => {
  it("evicts the least recently used entry beyond its entry cap", () => {
    const cache = new LruCache<string>(2, 1000)
    cache.set("a", "A", 1)
    cache.set("b", "B", 1)
    expect(cache.get("a")).toBe("A")
    cache.set("c", "C", 1)
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["A", undefined, "C"])
    expect(cache.size).toBe(2)
  })

  it("keeps within its size budget and skips values larger than it", () => {
    const cache = new LruCache<string>(10, 10)
    cache.set("a", "A", 4)
    cache.set("b", "B", 4)
    cache.set("c", "C", 4)
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, "B", "C"])
    cache.set("huge", "H", 11)
    expect(cache.get("huge")).toBeUndefined()
    cache.set("b", "B2", 2)
    expect(cache.get("b")).toBe("B2")
    expect(cache.size).toBe(2)
  })
})
