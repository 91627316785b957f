// The optional response cache, over real HTTP against the sandbox: hits make no request, the key
// covers key fingerprint / release / query, errors are not cached, identical calls in flight share
// one request, entries expire and the in-memory store evicts the least recently used.
import { type Sandbox, start } from "@omophub/sandbox"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  type ClientOptions,
  ConfigurationError,
  createClient,
  NotFoundError,
  type OMOPHub,
  type ResponseCacheStore,
} from "../../src/index.ts"
import { syntheaVocab } from "./support.ts"

const apiKey = "oh_cache_key_000001"
const otherKey = "oh_cache_key_000002"
let sandbox: Sandbox
const clients: Array<OMOPHub> = []

const makeClient = (options: Partial<ClientOptions> = {}) => {
  const client = createClient({
    apiKey,
    baseUrl: sandbox.url,
    rateLimitState: "isolated",
    cache: true,
    batching: false,
    ...options,
  } as ClientOptions)
  clients.push(client)
  return client
}

/** A store of our own, to see what the cache writes. */
const recordingStore = () => {
  const entries = new Map<string, string>()
  const store: ResponseCacheStore = {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value)
    },
    delete: (key) => {
      entries.delete(key)
    },
  }
  return { store, entries }
}

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey, otherKey], vocab: syntheaVocab })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

const count = () => sandbox.requests().length

describe("response cache", () => {
  it("is off by default: the same call twice makes two requests", async () => {
    const client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
    clients.push(client)
    await client.concepts.get(201826)
    await client.concepts.get(201826)
    expect(count()).toBe(2)
  })

  it("a second identical call makes no request and returns the same data", async () => {
    const client = makeClient()
    const first = await client.search.basic("fracture", { pageSize: 3 })
    const second = await client.search.basic("fracture", { pageSize: 3 })
    expect(second).toEqual(first)
    expect(count()).toBe(1)
  })

  it("different query, release or key fingerprint are separate entries; the store never sees the key", async () => {
    const { store, entries } = recordingStore()
    const client = makeClient({ cache: { store } })
    await client.concepts.get(201826)
    await client.concepts.get(201826, { includeSynonyms: true })
    await client.concepts.get(201826, { vocabRelease: "2025.2" })
    expect(count()).toBe(3)
    await client.concepts.get(201826, { includeSynonyms: true })
    expect(count()).toBe(3)

    const otherKeyClient = makeClient({ apiKey: otherKey, cache: { store } })
    await otherKeyClient.concepts.get(201826)
    expect(count()).toBe(4)
    const sameKeyClient = makeClient({ cache: { store } })
    await sameKeyClient.concepts.get(201826)
    expect(count()).toBe(4)

    expect(entries.size).toBe(4)
    for (const [key, value] of entries) {
      expect(key).not.toContain(apiKey)
      expect(key).not.toContain(otherKey)
      expect(value).not.toContain(apiKey)
      expect(JSON.parse(value)).toMatchObject({ status: 200 })
    }
  })

  it("errors are not cached", async () => {
    const client = makeClient()
    await expect(client.concepts.get(987654321)).rejects.toBeInstanceOf(NotFoundError)
    await expect(client.concepts.get(987654321)).rejects.toBeInstanceOf(NotFoundError)
    expect(count()).toBe(2)
    sandbox.control.fault({
      match: "GET /v1/concepts/:id",
      kind: "status",
      status: 200,
      body: { success: true, data: { wrong: 1 } },
    })
    await expect(client.concepts.get(201826)).rejects.toMatchObject({ _tag: "DecodeError" })
    expect((await client.concepts.get(201826)).concept_id).toBe(201826)
    expect(count()).toBe(4)
  })

  it("identical calls in flight share one request", async () => {
    const client = makeClient()
    sandbox.control.fault({ match: "GET /v1/search/concepts", kind: "pass", delayMs: 100 })
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.search.basic("fracture", { pageSize: 2 })),
    )
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1)
    expect(count()).toBe(1)
  })

  it("entries expire after ttlMs; pinned releases live pinnedTtlMs", async () => {
    const client = makeClient({ cache: { ttlMs: 60, pinnedTtlMs: 60_000 } })
    await client.concepts.get(201826)
    await client.concepts.get(201826, { vocabRelease: "2025.2" })
    await client.concepts.get(201826)
    expect(count()).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await client.concepts.get(201826)
    await client.concepts.get(201826, { vocabRelease: "2025.2" })
    expect(count()).toBe(3)
    expect(sandbox.requests().map((r) => r.query.vocab_release)).toEqual([undefined, "2025.2", undefined])
  })

  it("the in-memory store evicts the least recently used entry beyond maxEntries", async () => {
    const client = makeClient({ cache: { maxEntries: 2 } })
    await client.concepts.get(201826) // A
    await client.concepts.get(320128) // B
    await client.concepts.get(201826) // A: hit, now most recent
    await client.concepts.get(4329847) // C: evicts B
    expect(count()).toBe(3)
    await client.concepts.get(201826) // A: still cached
    expect(count()).toBe(3)
    await client.concepts.get(320128) // B: evicted, fetched again
    expect(count()).toBe(4)
  })

  it("bad cache options are a ConfigurationError", () => {
    expect(() => makeClient({ cache: { maxEntries: 0 } })).toThrow(ConfigurationError)
    expect(() => makeClient({ cache: { store: {} as ResponseCacheStore } })).toThrow(ConfigurationError)
  })
})
