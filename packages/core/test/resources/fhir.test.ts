// fhir.resolve / resolveBatch / resolveCodeableConcept over real HTTP against the sandbox (built-in
// vocabulary as the default release, the Synthea subset as release 2025.1), plus the URL helper and
// validation that never reaches the server.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, InvalidRequestError, NotFoundError, ValidationError } from "../../src/index.ts"
import { isFhirResolved } from "../../src/resources/Fhir.ts"
import { fhirServerUrl, fhirVersions } from "../../src/resources/FhirUrl.ts"
import { failureOf, runWithClient, syntheaVocab } from "../pipeline/support.ts"

const apiKey = "oh_fhir_test_key_01"
let sandbox: Sandbox
let client: ReturnType<typeof createClient>

beforeAll(async () => {
  sandbox = await start({
    keys: [apiKey],
    releases: [{ name: "2025.2" }, { name: "2025.1", vocab: syntheaVocab }],
  })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated" })
})
afterAll(async () => {
  await client?.close()
  await sandbox?.close()
})
beforeEach(() => sandbox.control.reset())

const snomedT2dm = { system: "http://snomed.info/sct", code: "44054006" }

describe("fhir.resolve", () => {
  it("resolves SNOMED 44054006 directly to 201826 in condition_occurrence", async () => {
    const result = await client.fhir.resolve(snomedT2dm, { resourceType: "Condition", includeQuality: true })
    expect(result.resolution).toMatchObject({
      vocabulary_id: "SNOMED",
      mapping_type: "direct",
      target_table: "condition_occurrence",
      domain_resource_alignment: "aligned",
      standard_concept: { concept_id: 201826, vocabulary_id: "SNOMED", standard_concept: "S" },
    })
    expect(["high", "medium", "low", "manual_review"]).toContain(result.resolution.mapping_quality)
    const [request] = sandbox.requests()
    expect(request).toMatchObject({ method: "POST", path: "/v1/fhir/resolve", status: 200 })
    expect(JSON.parse(request!.body!)).toEqual({
      ...snomedT2dm,
      resource_type: "Condition",
      include_quality: true,
    })
  })

  it("follows Maps to from ICD-10-CM E11.9 to the standard SNOMED concept", async () => {
    const viaSystem = await client.fhir.resolve({
      system: "http://hl7.org/fhir/sid/icd-10-cm",
      code: "E11.9",
    })
    const viaVocabulary = await client.fhir.resolve({ vocabularyId: "ICD10CM", code: "E11.9" })
    for (const result of [viaSystem, viaVocabulary]) {
      expect(result.resolution).toMatchObject({
        vocabulary_id: "ICD10CM",
        mapping_type: "mapped",
        relationship_id: "Maps to",
        target_table: "condition_occurrence",
        source_concept: { concept_code: "E11.9", vocabulary_id: "ICD10CM" },
        standard_concept: { concept_id: 201826, vocabulary_id: "SNOMED", standard_concept: "S" },
      })
    }
    expect(JSON.parse(sandbox.requests()[1]!.body!)).toEqual({ vocabulary_id: "ICD10CM", code: "E11.9" })
  })

  it("accepts a Coding from another FHIR library: extra fields dropped, userSelected renamed, {coding} unwrapped", async () => {
    const foreign = {
      id: "c1",
      extension: [{ url: "http://example.org/x", valueString: "y" }],
      version: "http://snomed.info/sct/900000000000207008",
      ...snomedT2dm,
      display: "Type 2 diabetes mellitus",
      userSelected: true,
    }
    const result = await client.fhir.resolve({ coding: foreign })
    expect(result.resolution.standard_concept.concept_id).toBe(201826)
    expect(JSON.parse(sandbox.requests()[0]!.body!)).toEqual({
      ...snomedT2dm,
      display: "Type 2 diabetes mellitus",
      user_selected: true,
    })
  })

  it("resolves a display-only coding by text and honours recommendations", async () => {
    const result = await client.fhir.resolve(
      { display: "Type 2 diabetes mellitus" },
      { includeRecommendations: true, recommendationsLimit: 2 },
    )
    expect(result.resolution.mapping_type).toBe("semantic_match")
    expect(result.resolution.standard_concept.concept_id).toBe(201826)
    expect(result.resolution.recommendations!.length).toBeLessThanOrEqual(2)
  })

  it("maps server failures: unknown system → InvalidRequestError, unmapped → NotFoundError, sentinel → 0", async () => {
    const unknownSystem = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      c.fhir.resolve({ system: "http://snomed.info/sctt", code: "44054006" }),
    )
    expect(failureOf(unknownSystem)).toBeInstanceOf(InvalidRequestError)
    expect(failureOf(unknownSystem)).toMatchObject({ status: 400, code: "unknown_system" })

    const unmapped = { system: "http://snomed.info/sct", code: "999999999999" }
    await expect(client.fhir.resolve(unmapped)).rejects.toBeInstanceOf(NotFoundError)
    const sentinel = await client.fhir.resolve(unmapped, { onUnmapped: "sentinel" })
    expect(sentinel.resolution.standard_concept.concept_id).toBe(0)
  })

  it("uses the Synthea release when the client pins it", async () => {
    const pinned = createClient({
      apiKey,
      baseUrl: sandbox.url,
      vocabRelease: "2025.1",
      rateLimitState: "isolated",
    })
    try {
      const result = await pinned.fhir.resolve(snomedT2dm)
      expect(result.resolution.standard_concept).toMatchObject({ concept_id: 201826, domain_id: "Condition" })
      expect(sandbox.requests()[0]!.query).toEqual({ vocab_release: "2025.1" })
    } finally {
      await pinned.close()
    }
  })
})

describe("fhir.resolveBatch", () => {
  it("resolves several codings; failures are items with a normalised error; total = resolved + failed", async () => {
    const batch = await client.fhir.resolveBatch([
      snomedT2dm,
      { system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9" },
      { system: "http://snomed.info/sct", code: "999999999999" },
      { coding: { vocabulary_id: "SNOMED", code: "38341003" } },
    ])
    expect(batch.summary).toEqual({ total: 4, resolved: 3, failed: 1 })
    expect(batch.summary.total).toBe(batch.summary.resolved + batch.summary.failed)
    const [first, second, third, fourth] = batch.results
    expect(isFhirResolved(first!) && first.resolution.standard_concept.concept_id).toBe(201826)
    expect(isFhirResolved(second!) && second.resolution.standard_concept.concept_id).toBe(201826)
    expect(isFhirResolved(fourth!) && fourth.resolution.standard_concept.concept_id).toBe(316866)
    expect(third!.resolution).toBeUndefined()
    if (isFhirResolved(third!)) throw new Error("expected a failure")
    expect(third!.error).toMatchObject({ code: "concept_not_found" })
    expect(third!.error.message.length).toBeGreaterThan(0)
  })

  it("runs from the Effect client and sends one snake_case body", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      c.fhir.resolveBatch([snomedT2dm, { display: "Essential hypertension", userSelected: false }], {
        resourceType: "Condition",
        onUnmapped: "sentinel",
      }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    expect(exit.value.summary).toEqual({ total: 2, resolved: 2, failed: 0 })
    expect(JSON.parse(sandbox.requests()[0]!.body!)).toEqual({
      codings: [snomedT2dm, { display: "Essential hypertension", user_selected: false }],
      resource_type: "Condition",
      on_unmapped: "sentinel",
    })
  })
})

describe("replay", () => {
  it("retries a read-only FHIR POST after a 503, resending the same bytes", async () => {
    sandbox.control.fault({
      match: "POST /v1/fhir/resolve/batch",
      kind: "status",
      status: 503,
      retryAfter: 0,
    })
    const batch = await client.fhir.resolveBatch([snomedT2dm])
    expect(batch.summary).toEqual({ total: 1, resolved: 1, failed: 0 })
    const [first, second] = sandbox.requests()
    expect([first?.status, second?.status]).toEqual([503, 200])
    expect(second?.body).toBe(first?.body)
  })
})

describe("fhir.resolveCodeableConcept", () => {
  it("picks SNOMED over ICD-10-CM as best_match and lists the rest", async () => {
    const result = await client.fhir.resolveCodeableConcept(
      {
        coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9" }, snomedT2dm],
        text: "Type 2 diabetes",
      },
      { resourceType: "Condition" },
    )
    expect(result.best_match?.resolution).toMatchObject({
      vocabulary_id: "SNOMED",
      standard_concept: { concept_id: 201826 },
    })
    expect(result.alternatives.map((a) => a.resolution.vocabulary_id)).toEqual(["ICD10CM"])
    expect(result.unresolved).toEqual([])
    expect(JSON.parse(sandbox.requests()[0]!.body!)).toMatchObject({
      coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9" }, snomedT2dm],
      text: "Type 2 diabetes",
      resource_type: "Condition",
    })
  })

  it("treats empty strings of a foreign CodeableConcept as absent", async () => {
    const foreign = { id: "cc1", coding: [{ ...snomedT2dm, display: "", version: "" }], text: "" }
    const result = await client.fhir.resolveCodeableConcept(foreign)
    expect(result.best_match?.resolution.standard_concept.concept_id).toBe(201826)
    expect(JSON.parse(sandbox.requests()[0]!.body!)).toEqual({ coding: [snomedT2dm] })
  })

  it("lets a userSelected coding win, reports unresolved codings, and takes text alone", async () => {
    const result = await client.fhir.resolveCodeableConcept([
      snomedT2dm,
      { system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9", userSelected: true },
      { system: "http://snomed.info/sct", code: "999999999999" },
    ])
    expect(result.best_match?.resolution.vocabulary_id).toBe("ICD10CM")
    expect(result.unresolved).toHaveLength(1)
    expect(result.unresolved[0]!.error.code).toBe("concept_not_found")

    const textOnly = await client.fhir.resolveCodeableConcept([], { text: "Essential hypertension" })
    expect(textOnly.best_match?.resolution).toMatchObject({
      mapping_type: "semantic_match",
      standard_concept: { concept_id: 320128 },
    })
  })
})

describe("validation (nothing is sent)", () => {
  const rejected = async (call: Promise<unknown>): Promise<ValidationError> => {
    const error = await call.then(
      () => {
        throw new Error("expected a ValidationError")
      },
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ValidationError)
    return error as ValidationError
  }
  const paths = (error: ValidationError) => error.issues.map((issue) => issue.path)

  it("rejects codings without (system+code), (vocabularyId+code) or display, and non-string fields", async () => {
    const error = await rejected(
      client.fhir.resolveBatch([
        { code: "44054006" },
        { system: "http://snomed.info/sct" },
        { display: "   " },
        { system: "http://snomed.info/sct", code: 44054006 as unknown as string },
        "44054006" as never,
        { coding: [snomedT2dm] } as never,
      ]),
    )
    expect(paths(error)).toEqual([
      "codings[0]",
      "codings[1]",
      "codings[2]",
      "codings[3].code",
      "codings[3]",
      "codings[4]",
      "codings[5].coding",
    ])
    expect(sandbox.requests()).toEqual([])
  })

  it("rejects batch sizes outside 1-100 and codeable concepts outside 1-20 (without text)", async () => {
    const many = Array.from({ length: 101 }, () => snomedT2dm)
    expect(paths(await rejected(client.fhir.resolveBatch(many)))).toEqual(["codings"])
    expect(paths(await rejected(client.fhir.resolveBatch([])))).toEqual(["codings"])
    expect(paths(await rejected(client.fhir.resolveCodeableConcept(many.slice(0, 21))))).toEqual([
      "codeableConcept",
    ])
    expect(paths(await rejected(client.fhir.resolveCodeableConcept({ coding: [] })))).toEqual([
      "codeableConcept.coding",
    ])
    expect(paths(await rejected(client.fhir.resolveCodeableConcept({ text: "a" }, { text: "b" })))).toEqual([
      "options.text",
    ])
    expect(sandbox.requests()).toEqual([])
  })

  it("rejects bad options, and options misplaced inside the coding", async () => {
    const error = await rejected(
      client.fhir.resolve(snomedT2dm, {
        recommendationsLimit: 21,
        onUnmapped: "ignore" as never,
        includeQuality: "yes" as never,
        resource: "Condition",
      } as never),
    )
    expect(paths(error).sort()).toEqual([
      "options.includeQuality",
      "options.onUnmapped",
      "options.recommendationsLimit",
      "options.resource",
    ])
    expect(
      paths(await rejected(client.fhir.resolve({ ...snomedT2dm, resourceType: "Condition" } as never))),
    ).toEqual(["coding.resourceType"])
    expect(paths(await rejected(client.fhir.resolve(snomedT2dm, { recommendationsLimit: 0 })))).toEqual([
      "options.recommendationsLimit",
    ])
    expect(sandbox.requests()).toEqual([])
  })

  it("fails the Effect client with the same ValidationError", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) => Effect.flip(c.fhir.resolve({})))
    if (!Exit.isSuccess(exit)) throw new Error("expected the flipped failure")
    expect(exit.value).toBeInstanceOf(ValidationError)
    expect(exit.value).toMatchObject({ operation: "fhir.resolve", issues: [{ path: "coding" }] })
    expect(sandbox.requests()).toEqual([])
  })
})

describe("fhirServerUrl", () => {
  it("builds the FHIR Terminology Service URL, R4 by default", () => {
    expect(fhirServerUrl()).toBe("https://fhir.omophub.com/fhir/r4")
    expect(fhirVersions.map((v) => fhirServerUrl(v))).toEqual([
      "https://fhir.omophub.com/fhir/r4",
      "https://fhir.omophub.com/fhir/r4b",
      "https://fhir.omophub.com/fhir/r5",
      "https://fhir.omophub.com/fhir/r6",
    ])
  })

  it("matches the version case-insensitively and rejects unknown ones with a ValidationError", () => {
    expect(fhirServerUrl("R4B")).toBe("https://fhir.omophub.com/fhir/r4b")
    for (const bad of ["r3", "R4 ", "", "../r4"]) {
      expect(() => fhirServerUrl(bad as never)).toThrow(ValidationError)
    }
  })
})
