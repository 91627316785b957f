// Automatic batching of one-code mappings.map calls into POST /concepts/map with `source_codes`,
// over real HTTP against the sandbox serving the Synthea subset; the sandbox's request log counts
// what went over the wire, and a client with batching off gives the reference answer of each call.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { type Sandbox, start } from "@omophub/sandbox"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, type OMOPHub } from "../../src/index.ts"
import { syntheaVocab } from "./support.ts"

const apiKey = "oh_map_codes_key_001"
let sandbox: Sandbox
let client: OMOPHub
let unbatched: OMOPHub

interface Code {
  readonly vocabularyId: string
  readonly conceptCode: string
}

/** (vocabulary id, code) pairs of the Synthea subset, for the given vocabularies. */
const codesOf = (vocabularies: ReadonlyArray<string>): ReadonlyArray<Code> =>
  readFileSync(path.join(syntheaVocab, "CONCEPT.csv"), "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"))
    .filter((fields) => vocabularies.includes(fields[3] ?? ""))
    .map((fields) => ({ vocabularyId: fields[3]!, conceptCode: fields[6]! }))

const snomed = codesOf(["SNOMED"])
const loinc = codesOf(["LOINC"])
const unknown: Code = { vocabularyId: "SNOMED", conceptCode: "no-such-code-000" }

type Body = {
  target_vocabulary: string
  source_codes?: Array<{ vocabulary_id: string; concept_code: string }>
  source_concepts?: Array<number>
}
const mapBodies = () =>
  sandbox
    .requests()
    .filter((r) => r.method === "POST" && r.path === "/v1/concepts/map")
    .map((r) => JSON.parse(r.body) as Body)

const one = (targetVocabulary: string, code: Code) => ({ targetVocabulary, sourceCodes: [code] })

/** What each call settled to, comparable across clients. */
const outcomes = (settled: ReadonlyArray<PromiseSettledResult<unknown>>) =>
  settled.map((s) =>
    s.status === "fulfilled"
      ? { value: s.value }
      : { error: (s.reason as { _tag?: string })._tag, message: (s.reason as Error).message },
  )

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
  unbatched = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", batching: false })
})
afterAll(async () => {
  await client.close()
  await unbatched.close()
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

describe("mappings.map batching of source codes", () => {
  it("250 concurrent one-code calls take ceil(250/100) requests; each caller gets what a lone call gets", async () => {
    // SNOMED codes map into SNOMED; most LOINC codes have no SNOMED mapping and come back as failures.
    const sample = [...snomed.slice(0, 200), ...loinc.slice(0, 50)]
    expect(sample).toHaveLength(250)
    const batched = await Promise.allSettled(sample.map((code) => client.mappings.map(one("SNOMED", code))))
    const requests = sandbox.requests()
    expect(requests).toHaveLength(Math.ceil(sample.length / 100))
    const bodies = mapBodies()
    expect(bodies).toHaveLength(requests.length)
    expect(bodies.every((b) => b.target_vocabulary === "SNOMED" && b.source_concepts === undefined)).toBe(
      true,
    )
    expect(bodies.every((b) => (b.source_codes?.length ?? 0) <= 100)).toBe(true)
    expect(bodies.flatMap((b) => b.source_codes ?? [])).toEqual(
      sample.map((c) => ({ vocabulary_id: c.vocabularyId, concept_code: c.conceptCode })),
    )

    sandbox.clearRequests()
    const alone = await Promise.allSettled(sample.map((code) => unbatched.mappings.map(one("SNOMED", code))))
    // Batching off: one request per call.
    expect(sandbox.requests()).toHaveLength(sample.length)
    expect(outcomes(batched)).toEqual(outcomes(alone))
    const values = batched.map(
      (s) => (s as PromiseFulfilledResult<{ mappings: ReadonlyArray<unknown> }>).value,
    )
    expect(values.filter((v) => v.mappings.length > 0).length).toBeGreaterThan(150)
    expect(values.some((v) => v.mappings.length === 0)).toBe(true)
  })

  it("an unknown code answers only its own caller, exactly as a lone call does", async () => {
    const codes = [snomed[0]!, unknown, snomed[1]!]
    const batched = await Promise.allSettled(codes.map((code) => client.mappings.map(one("SNOMED", code))))
    expect(mapBodies()).toEqual([
      {
        target_vocabulary: "SNOMED",
        source_codes: codes.map((c) => ({ vocabulary_id: c.vocabularyId, concept_code: c.conceptCode })),
      },
    ])
    expect(sandbox.requests()).toHaveLength(1)
    const alone = await Promise.allSettled(codes.map((code) => unbatched.mappings.map(one("SNOMED", code))))
    expect(outcomes(batched)).toEqual(outcomes(alone))
    expect(batched[1]).toMatchObject({
      status: "fulfilled",
      value: {
        mappings: [],
        failed_mappings: [{ source_code: { vocabulary_id: "SNOMED", concept_code: unknown.conceptCode } }],
        summary: { total_source_concepts: 1, mapped_concepts: 0, unmapped_concepts: 1 },
      },
    })
    for (const i of [0, 2]) {
      expect(batched[i]).toMatchObject({
        status: "fulfilled",
        value: { failed_mappings: [], summary: { mapped_concepts: 1 } },
      })
    }
  })

  it("the same code twice in one tick is sent once and both callers get its result", async () => {
    const codes = [snomed[3]!, snomed[3]!, snomed[4]!]
    const batched = await Promise.all(codes.map((code) => client.mappings.map(one("SNOMED", code))))
    expect(mapBodies().map((b) => b.source_codes?.length)).toEqual([2])
    expect(batched[0]).toEqual(batched[1])
    expect(batched[0]).toEqual(await unbatched.mappings.map(one("SNOMED", codes[0]!)))
  })

  it("other target vocabularies, options or source concepts form separate batches", async () => {
    const calls = [
      one("SNOMED", snomed[0]!),
      one("SNOMED", snomed[1]!),
      one("LOINC", loinc[0]!),
      one("LOINC", loinc[1]!),
      { ...one("SNOMED", snomed[2]!), includeInvalid: true },
      { ...one("SNOMED", snomed[3]!), includeInvalid: true },
      { targetVocabulary: "SNOMED", sourceConcepts: [201826] },
      { targetVocabulary: "SNOMED", sourceConcepts: [4329847] },
    ]
    const batched = await Promise.allSettled(calls.map((request) => client.mappings.map(request)))
    const bodies = mapBodies()
    expect(sandbox.requests()).toHaveLength(4)
    const shape = (x: { target: string; invalid: boolean; codes?: unknown; concepts?: unknown }) =>
      JSON.stringify([x.target, x.invalid, x.codes ?? null, x.concepts ?? null])
    const sent = bodies.map((b) =>
      shape({
        target: b.target_vocabulary,
        invalid: (b as { include_invalid?: boolean }).include_invalid ?? false,
        codes: b.source_codes?.map((c) => c.concept_code),
        concepts: b.source_concepts,
      }),
    )
    expect(sent.sort()).toEqual(
      [
        { target: "SNOMED", invalid: false, codes: [snomed[0]!.conceptCode, snomed[1]!.conceptCode] },
        { target: "LOINC", invalid: false, codes: [loinc[0]!.conceptCode, loinc[1]!.conceptCode] },
        { target: "SNOMED", invalid: true, codes: [snomed[2]!.conceptCode, snomed[3]!.conceptCode] },
        { target: "SNOMED", invalid: false, concepts: [201826, 4329847] },
      ]
        .map(shape)
        .sort(),
    )
    const alone = await Promise.allSettled(calls.map((request) => unbatched.mappings.map(request)))
    expect(outcomes(batched)).toEqual(outcomes(alone))
  })

  it("an injected 503 is retried for the whole batch and every caller gets its own result", async () => {
    sandbox.control.fault({ match: "POST /v1/concepts/map", kind: "status", status: 503, times: 1 })
    const codes = [snomed[5]!, unknown, loinc[2]!, snomed[6]!]
    const batched = await Promise.allSettled(codes.map((code) => client.mappings.map(one("SNOMED", code))))
    const requests = sandbox.requests()
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "POST /v1/concepts/map 503",
      "POST /v1/concepts/map 200",
    ])
    expect(requests[0]!.body).toBe(requests[1]!.body)
    expect(JSON.parse(requests[1]!.body).source_codes).toHaveLength(codes.length)
    const alone = await Promise.allSettled(codes.map((code) => unbatched.mappings.map(one("SNOMED", code))))
    expect(outcomes(batched)).toEqual(outcomes(alone))
    expect(batched.every((s) => s.status === "fulfilled")).toBe(true)
  })

  it("rows that name no code of the batch send the callers left without an answer on their own", async () => {
    // A scripted answer whose row lacks the source code fields: it cannot be tied to either caller.
    sandbox.control.fault({
      match: "POST /v1/concepts/map",
      kind: "status",
      status: 200,
      body: {
        success: true,
        data: {
          mappings: [{ source_concept_id: 1, target_concept_id: 2, relationship_id: "Maps to" }],
          failed_mappings: [],
        },
        meta: { request_id: "req_scripted" },
      },
    })
    const codes = [snomed[7]!, snomed[8]!]
    const batched = await Promise.allSettled(codes.map((code) => client.mappings.map(one("SNOMED", code))))
    expect(mapBodies().map((b) => b.source_codes?.map((c) => c.concept_code))).toEqual([
      [codes[0]!.conceptCode, codes[1]!.conceptCode],
      [codes[0]!.conceptCode],
      [codes[1]!.conceptCode],
    ])
    const alone = await Promise.allSettled(codes.map((code) => unbatched.mappings.map(one("SNOMED", code))))
    expect(outcomes(batched)).toEqual(outcomes(alone))
  })

  it("a call with several codes, or an idempotency key, is sent on its own", async () => {
    const pair = { targetVocabulary: "SNOMED", sourceCodes: [snomed[0]!, snomed[1]!] }
    const keyed = { ...one("SNOMED", snomed[2]!), idempotencyKey: "map-codes-key-1" }
    await Promise.all([
      client.mappings.map(pair),
      client.mappings.map(keyed),
      client.mappings.map(one("SNOMED", snomed[3]!)),
    ])
    expect(
      mapBodies()
        .map((b) => b.source_codes?.map((c) => c.concept_code))
        .sort(),
    ).toEqual(
      [
        [snomed[0]!.conceptCode, snomed[1]!.conceptCode],
        [snomed[2]!.conceptCode],
        [snomed[3]!.conceptCode],
      ].sort(),
    )
  })
})
