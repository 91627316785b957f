// Automatic batching of concepts.get into POST /concepts/batch, over real HTTP against the sandbox
// serving the Synthea subset; the sandbox's request log counts what went over the wire.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, NotFoundError, type OMOPHub, ServerError } from "../../src/index.ts"
import { runWithClient, syntheaConcepts, syntheaMapsTo, syntheaVocab } from "./support.ts"

const apiKey = "oh_batching_key_001"
const unknownId = 987654321
let sandbox: Sandbox
let client: OMOPHub
const concepts = syntheaConcepts()

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
})
afterAll(async () => {
  await client.close()
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

const batchBodies = () =>
  sandbox
    .requests()
    .filter((r) => r.path === "/v1/concepts/batch")
    .map((r) => JSON.parse(r.body) as { concept_ids: Array<number>; standard_only?: boolean })

describe("concepts.get batching", () => {
  it("1,000 concurrent calls take at most 10 requests, and each caller gets its own concept", async () => {
    const sample = concepts.slice(0, 1000)
    expect(sample.some((c) => c.standard === "")).toBe(true) // non-standard ones come back too
    const results = await Promise.all(sample.map((c) => client.concepts.get(c.id)))
    expect(results.map((r) => r.concept_id)).toEqual(sample.map((c) => c.id))
    expect(results.map((r) => r.concept_name)).toEqual(sample.map((c) => c.name))
    const requests = sandbox.requests()
    expect(requests.length).toBeLessThanOrEqual(10)
    expect(requests.every((r) => r.method === "POST" && r.path === "/v1/concepts/batch")).toBe(true)
    const bodies = batchBodies()
    expect(bodies.every((b) => b.concept_ids.length <= 100 && b.standard_only === false)).toBe(true)
    expect(bodies.flatMap((b) => b.concept_ids).sort()).toEqual(sample.map((c) => c.id).sort())
  })

  it("an unknown id fails only its caller, with NotFoundError", async () => {
    const ids = [concepts[0]!.id, unknownId, concepts[1]!.id]
    const settled = await Promise.allSettled(ids.map((id) => client.concepts.get(id)))
    expect(settled[0]).toMatchObject({ status: "fulfilled", value: { concept_id: ids[0] } })
    expect(settled[2]).toMatchObject({ status: "fulfilled", value: { concept_id: ids[2] } })
    const failed = settled[1] as PromiseRejectedResult
    expect(failed.reason).toBeInstanceOf(NotFoundError)
    expect(failed.reason).toMatchObject({
      status: 404,
      operation: "concepts.get",
      details: { concept_id: unknownId },
    })
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("a single call is a plain GET /concepts/{id}; duplicates in one tick share a slot", async () => {
    const concept = await client.concepts.get(201826)
    expect(concept.concept_name).toBe("Type 2 diabetes mellitus")
    const [a, b] = await Promise.all([client.concepts.get(320128), client.concepts.get(320128)])
    expect(a).toEqual(b)
    expect(sandbox.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/concepts/201826",
      "GET /v1/concepts/320128",
    ])
  })

  it("a lone call sends exactly what a non-batched call sends, explicit false options included", async () => {
    const unbatched = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
    })
    try {
      const options = { includeSynonyms: false, includeRelationships: false }
      const lone = await client.concepts.get(201826, options)
      const loneRequests = sandbox.requests().map((r) => ({ method: r.method, path: r.path, query: r.query }))
      sandbox.clearRequests()
      const plain = await unbatched.concepts.get(201826, options)
      const plainRequests = sandbox
        .requests()
        .map((r) => ({ method: r.method, path: r.path, query: r.query }))
      expect(lone).toEqual(plain)
      expect(loneRequests).toEqual(plainRequests)
      expect(loneRequests).toEqual([
        {
          method: "GET",
          path: "/v1/concepts/201826",
          query: { include_synonyms: "false", include_relationships: "false" },
        },
      ])
    } finally {
      await unbatched.close()
    }
  })

  it("a call alone in its group is a plain GET while its tick-mates with other options are batched", async () => {
    const [a, b, alone] = await Promise.all([
      client.concepts.get(201826),
      client.concepts.get(320128),
      client.concepts.get(4329847, { includeSynonyms: true }),
    ])
    expect([a, b, alone].map((c) => c.concept_id)).toEqual([201826, 320128, 4329847])
    const requests = sandbox.requests().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`)
    expect(requests.sort()).toEqual(
      ['GET /v1/concepts/4329847 {"include_synonyms":"true"}', "POST /v1/concepts/batch {}"].sort(),
    )
    expect(batchBodies()).toEqual([{ concept_ids: [201826, 320128], standard_only: false }])
  })

  it("groups only identical options; options the batch cannot express go alone", async () => {
    const [plain1, plain2, synonyms1, synonyms2, hierarchy] = await Promise.all([
      client.concepts.get(201826),
      client.concepts.get(320128),
      client.concepts.get(201826, { includeSynonyms: true }),
      client.concepts.get(320128, { includeSynonyms: true }),
      client.concepts.get(4329847, { includeHierarchy: true }),
    ])
    expect([plain1, plain2, synonyms1, synonyms2, hierarchy].map((c) => c.concept_id)).toEqual([
      201826, 320128, 201826, 320128, 4329847,
    ])
    expect(synonyms1.synonyms).toBeDefined()
    const requests = sandbox.requests()
    expect(requests).toHaveLength(3)
    const bodies = batchBodies().map((b) => JSON.stringify(b))
    expect(bodies.sort()).toEqual(
      [
        JSON.stringify({ concept_ids: [201826, 320128], standard_only: false }),
        JSON.stringify({ concept_ids: [201826, 320128], include_synonyms: true, standard_only: false }),
      ].sort(),
    )
    expect(requests.find((r) => r.method === "GET")).toMatchObject({
      path: "/v1/concepts/4329847",
      query: { include_hierarchy: "true" },
    })
  })

  it("a failed batch request fails each of its callers with that error", async () => {
    sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "status", status: 503, times: 10 })
    const quick = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", maxRetries: 0 })
    try {
      const settled = await Promise.allSettled([quick.concepts.get(201826), quick.concepts.get(320128)])
      expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected"])
      expect(settled.every((s) => (s as PromiseRejectedResult).reason instanceof ServerError)).toBe(true)
      expect(sandbox.requests()).toHaveLength(1)
    } finally {
      await quick.close()
    }
  })

  it("aborting one batched call rejects only that call", async () => {
    const controller = new AbortController()
    sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "pass", delayMs: 150 })
    const calls = [201826, 320128, 4329847].map((id, i) =>
      client.concepts.get(id, i === 1 ? { signal: controller.signal } : {}),
    )
    setTimeout(() => controller.abort(), 50)
    const settled = await Promise.allSettled(calls)
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"])
    expect(((settled[1] as PromiseRejectedResult).reason as Error).name).toBe("AbortError")
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("batches concurrent calls from the Effect API too", async () => {
    const ids = concepts.slice(0, 250).map((c) => c.id)
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      Effect.forEach(ids, (id) => c.concepts.get(id), { concurrency: "unbounded" }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    expect(exit.value.map((c) => c.concept_id)).toEqual(ids)
    expect(sandbox.requests()).toHaveLength(3)
  })

  it("batching: false sends one GET per call", async () => {
    const unbatched = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
    })
    try {
      const ids = concepts.slice(0, 20).map((c) => c.id)
      const results = await Promise.all(ids.map((id) => unbatched.concepts.get(id)))
      expect(results.map((c) => c.concept_id)).toEqual(ids)
      const requests = sandbox.requests()
      expect(requests).toHaveLength(20)
      expect(requests.every((r) => r.method === "GET")).toBe(true)
    } finally {
      await unbatched.close()
    }
  })
})

/** Each call's outcome, comparable across clients: the value, or the error's tag, status and code. */
const outcomes = (settled: ReadonlyArray<PromiseSettledResult<unknown>>) =>
  settled.map((s) =>
    s.status === "fulfilled"
      ? { value: s.value }
      : {
          error: [
            (s.reason as { _tag: string })._tag,
            (s.reason as { status?: number }).status,
            (s.reason as { code?: string }).code,
          ],
        },
  )

describe("mappings.map and fhir.resolve batching", () => {
  it("one-source mappings.map calls share one POST /concepts/map, each getting what a lone call gets", async () => {
    const byId = new Map(concepts.map((c) => [c.id, c]))
    const sources = syntheaMapsTo()
      .filter((r) => r.from !== r.to && byId.get(r.to)?.vocabularyId === "UCUM")
      .slice(0, 5)
      .map((r) => r.from)
    expect(sources.length).toBe(5)
    // 201826 (a SNOMED condition) has no UCUM mapping, the last id does not exist: both are failures.
    const ids = [...sources, 201826, unknownId]
    const request = (id: number) => ({ targetVocabulary: "UCUM", sourceConcepts: [id] })
    const batched = await Promise.allSettled(ids.map((id) => client.mappings.map(request(id))))
    const requests = sandbox.requests()
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/concepts/map"])
    expect(JSON.parse(requests[0]!.body)).toEqual({ target_vocabulary: "UCUM", source_concepts: ids })

    const unbatched = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
    })
    try {
      const alone = await Promise.allSettled(ids.map((id) => unbatched.mappings.map(request(id))))
      const strip = (o: ReturnType<typeof outcomes>) =>
        o.map((x) => ("value" in x ? { ...(x.value as object), summary: undefined } : x))
      expect(strip(outcomes(batched))).toEqual(strip(outcomes(alone)))
      for (const [i, result] of alone.entries()) {
        const own = (result as PromiseFulfilledResult<{ summary?: { total_mappings?: number } }>).value
        const mine = (batched[i] as PromiseFulfilledResult<{ summary?: { total_mappings?: number } }>).value
        expect(mine.summary?.total_mappings).toBe(own.summary?.total_mappings)
      }
      expect(
        (batched[0] as PromiseFulfilledResult<{ readonly mappings: ReadonlyArray<unknown> }>).value.mappings
          .length,
      ).toBeGreaterThan(0)
    } finally {
      await unbatched.close()
    }
  })

  it("fhir.resolve calls share one POST /fhir/resolve/batch; failures keep the lone call's error class", async () => {
    const codings = [
      { system: "http://snomed.info/sct", code: "44054006" },
      { system: "http://loinc.org", code: "59032-3" },
      { system: "http://snomed.info/sct", code: "999999999999" },
      { system: "http://example.org/not-a-system", code: "1" },
    ]
    const batched = await Promise.allSettled(codings.map((coding) => client.fhir.resolve(coding)))
    expect(sandbox.requests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/fhir/resolve/batch"])

    const unbatched = createClient({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
    })
    try {
      const alone = await Promise.allSettled(codings.map((coding) => unbatched.fhir.resolve(coding)))
      expect(outcomes(batched)).toEqual(outcomes(alone))
      expect(batched.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"])
    } finally {
      await unbatched.close()
    }
  })
})
