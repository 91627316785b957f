// Unit tests of the wire encoding rules (URL, query, headers, body) and of input/config validation.
// A recording fetch stands in for the network here; every other pipeline test uses the real sandbox.
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import packageJson from "../../package.json" with { type: "json" }
import { buildRequest, encodePathSegment, toSnakeCase } from "../../src/http/RequestBuilder.ts"
import {
  ClientConfig,
  ConfigurationError,
  createClient,
  Env,
  makeOperation,
  OmopHubClient,
  RequestPipeline,
  resolveClientConfig,
  ValidationError,
  version,
} from "../../src/index.ts"

interface Recorded {
  readonly url: string
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string
}

const concept = {
  concept_id: 201826,
  concept_name: "Type 2 diabetes mellitus",
  domain_id: "Condition",
  vocabulary_id: "SNOMED",
  concept_class_id: "Clinical Finding",
  standard_concept: "S",
  concept_code: "44054006",
  valid_start_date: "2002-01-31",
  valid_end_date: "2099-12-31",
  invalid_reason: null,
}

/** A fetch that records each request and answers from `responses` in turn (the last one repeats). */
const recordingFetch = (responses: ReadonlyArray<{ status: number; body: unknown }>) => {
  const recorded: Array<Recorded> = []
  const fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    recorded.push({ url: request.url, method: request.method, headers, body: await request.text() })
    const response = responses[Math.min(recorded.length - 1, responses.length - 1)]!
    return new Response(JSON.stringify(response.body), {
      status: response.status,
      headers: { "content-type": "application/json" },
    })
  }
  return { fetch, recorded }
}

const ok = (data: unknown) => ({ status: 200, body: { success: true, data, meta: { request_id: "req_1" } } })

describe("RequestBuilder", () => {
  it("converts camelCase option names to snake_case", () => {
    expect(toSnakeCase("vocabularyIds")).toBe("vocabulary_ids")
    expect(toSnakeCase("pageSize")).toBe("page_size")
    expect(toSnakeCase("query")).toBe("query")
    expect(toSnakeCase("vocab_release")).toBe("vocab_release")
  })

  it("encodes each path parameter as exactly one segment and refuses dot segments", () => {
    expect(encodePathSegment("E11.9")).toBe("E11.9")
    expect(encodePathSegment("a/b?c#d%e f")).toBe("a%2Fb%3Fc%23d%25e%20f")
    expect(encodePathSegment(0)).toBe("0")
    expect(encodePathSegment(".")).toEqual({ problem: expect.stringContaining('"."') })
    expect(encodePathSegment("..")).toEqual({ problem: expect.stringContaining('".."') })
    expect(encodePathSegment("")).toEqual({ problem: "must not be empty" })

    const built = buildRequest("https://x.test/v1", "/concepts/by-code/{vocabulary_id}/{concept_code}", {
      path: { vocabulary_id: "ICD10CM", concept_code: "../../admin" },
    })
    expect(built).toEqual({
      url: "https://x.test/v1/concepts/by-code/ICD10CM/..%2F..%2Fadmin",
      body: undefined,
    })
    const traversal = buildRequest("https://x.test/v1", "/concepts/by-code/{vocabulary_id}/{concept_code}", {
      path: { vocabulary_id: "..", concept_code: "x" },
    })
    expect(traversal).toEqual({ issues: [{ path: "vocabulary_id", message: expect.stringContaining("..") }] })
  })

  it("encodes query values: false and 0 sent, null/undefined/empty arrays omitted, arrays comma-joined", () => {
    const built = buildRequest(
      "https://x.test/v1",
      "/search/concepts",
      {
        query: {
          query: "a&b?c#d+e f,g Диабет",
          includeInvalid: false,
          minScore: 0,
          exactMatch: undefined,
          sortBy: null,
          vocabularyIds: ["SNOMED", "", "ICD10CM"],
          domainIds: [],
          conceptClassIds: ["", ""],
        },
      },
      { vocab_release: "2025.1" },
    )
    if ("issues" in built) throw new Error("unexpected issues")
    const url = new URL(built.url)
    expect([...url.searchParams.keys()]).toEqual([
      "query",
      "include_invalid",
      "min_score",
      "vocabulary_ids",
      "vocab_release",
    ])
    expect(url.searchParams.get("query")).toBe("a&b?c#d+e f,g Диабет")
    expect(url.searchParams.get("include_invalid")).toBe("false")
    expect(url.searchParams.get("min_score")).toBe("0")
    expect(url.searchParams.get("vocabulary_ids")).toBe("SNOMED,ICD10CM")
    expect(built.url).toContain("vocabulary_ids=SNOMED%2CICD10CM")
  })

  it("lets the operation's own vocab_release win over the client-wide one", () => {
    const built = buildRequest(
      "https://x.test/v1",
      "/concepts/{concept_id}",
      { path: { concept_id: 1 }, query: { vocabRelease: "2024.2" } },
      { vocab_release: "2025.1" },
    )
    expect(built).toEqual({ url: "https://x.test/v1/concepts/1?vocab_release=2024.2", body: undefined })
  })

  it("refuses query values that cannot be sent instead of sending garbage", () => {
    const built = buildRequest("https://x.test/v1", "/x", {
      query: { minScore: Number.NaN, page: { a: 1 } as never },
    })
    expect(built).toEqual({
      issues: [
        { path: "minScore", message: "must be a finite number" },
        { path: "page", message: expect.stringContaining("must be a string") },
      ],
    })
  })
})

describe("client over a recording fetch", () => {
  it("sends the GET with the documented URL and headers, and no Content-Type", async () => {
    const { fetch, recorded } = recordingFetch([ok(concept)])
    const client = createClient({
      apiKey: "oh_unit_key_1",
      fetch,
      userAgent: "my-app/1.0",
      vocabRelease: "2025.2",
    })
    const result = await client.concepts.get(201826, { includeSynonyms: false, includeHierarchy: true })
    expect(result.concept_name).toBe("Type 2 diabetes mellitus")
    expect(recorded).toHaveLength(1)
    const [request] = recorded
    expect(request!.method).toBe("GET")
    expect(request!.url).toBe(
      "https://api.omophub.com/v1/concepts/201826?include_synonyms=false&include_hierarchy=true&vocab_release=2025.2",
    )
    expect(request!.headers.accept).toBe("application/json")
    expect(request!.headers.authorization).toBe("Bearer oh_unit_key_1")
    expect(request!.headers["content-type"]).toBeUndefined()
    expect(request!.headers["user-agent"]).toMatch(/^omophub-typescript\/\S+ \(.+\) my-app\/1\.0$/)
    expect(request!.headers["user-agent"]).toContain(`omophub-typescript/${packageJson.version} `)
    expect(version).toBe(packageJson.version)
    await client.close()
  })

  it("sends search filters comma-joined with snake_case names; trailing slash in baseUrl is harmless", async () => {
    const { fetch, recorded } = recordingFetch([ok({ concepts: [concept] })])
    const client = createClient({ apiKey: "oh_unit_key_2", fetch, baseUrl: "https://api.example.test/v1/" })
    const result = await client.search.basic("type 2 diabetes", {
      vocabularyIds: ["SNOMED", "ICD10CM"],
      standardConcept: "S",
      includeInvalid: false,
      pageSize: 5,
    })
    expect(result.concepts.map((c) => c.concept_id)).toEqual([201826])
    expect(recorded[0]!.url).toBe(
      "https://api.example.test/v1/search/concepts?query=type+2+diabetes&vocabulary_ids=SNOMED%2CICD10CM&standard_concept=S&include_invalid=false&page_size=5",
    )
    await client.close()
  })

  it("normalises the legacy search shapes (bare array, { data: [...] }) and keeps pagination", async () => {
    const pagination = {
      page: 2,
      page_size: 1,
      total_items: 3,
      total_pages: 3,
      has_next: true,
      has_previous: true,
    }
    const { fetch } = recordingFetch([
      { status: 200, body: { success: true, data: [concept], meta: { pagination } } },
      { status: 200, body: { success: true, data: { data: [concept] } } },
    ])
    const client = createClient({ apiKey: "oh_unit_key_6", fetch })
    const bare = await client.search.basic("diabetes")
    expect(bare).toEqual({ concepts: [concept], pagination })
    const wrapped = await client.search.basic("diabetes")
    expect(wrapped.concepts).toEqual([concept])
    await client.close()
  })

  it("accepts concept id 0 and ids above 2^31; rejects negative, fractional, NaN and unsafe ids before any request", async () => {
    const { fetch, recorded } = recordingFetch([ok({ ...concept, concept_id: 0 })])
    const client = createClient({ apiKey: "oh_unit_key_3", fetch })
    await client.concepts.get(0)
    await client.concepts.get(2 ** 31 + 5)
    expect(recorded.map((r) => new URL(r.url).pathname)).toEqual([
      "/v1/concepts/0",
      "/v1/concepts/2147483653",
    ])
    for (const bad of [
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 53,
      "201826" as unknown as number,
    ]) {
      const error = await client.concepts.get(bad).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues[0]!.path).toBe("conceptId")
    }
    expect(recorded).toHaveLength(2)
    await client.close()
  })

  it("reports every bad option (unknown names too) in one ValidationError, without a request", async () => {
    const { fetch, recorded } = recordingFetch([ok({ concepts: [] })])
    const client = createClient({ apiKey: "oh_unit_key_4", fetch })
    const error = await client.search
      .basic("  ", {
        pageSize: 0,
        minScore: 2,
        sortBy: "size" as never,
        vocabularyIds: ["A,B"],
        typo: 1,
      } as never)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(
      [
        "query",
        "options.typo",
        "options.pageSize",
        "options.minScore",
        "options.sortBy",
        "options.vocabularyIds[0]",
      ].sort(),
    )
    expect(recorded).toHaveLength(0)
    await client.close()
  })

  it("serialises a POST body once: every attempt sends identical bytes and the same Idempotency-Key", async () => {
    const { fetch, recorded } = recordingFetch([
      { status: 503, body: { success: false, error: { code: "service_unavailable", message: "down" } } },
      ok({ echoed: true }),
    ])
    const post = makeOperation({
      resource: "test",
      name: "post",
      method: "POST",
      path: "/test/post",
      safeToReplay: false,
      pagination: "none",
      encode: (input: { readonly ids: ReadonlyArray<number> }) => ({
        body: { concept_ids: input.ids, note: "é" },
      }),
      data: Schema.Struct({ echoed: Schema.Boolean }),
      output: (data) => data,
    })
    const program = Effect.flatMap(Effect.service(RequestPipeline), (pipeline) =>
      pipeline.execute(post, { ids: [1, 2, 3] }, { idempotencyKey: "idem-123" }),
    ).pipe(
      Effect.provide(OmopHubClient.layer({ apiKey: "oh_unit_key_5", fetch, rateLimitState: "isolated" })),
    )
    expect(await Effect.runPromise(program)).toEqual({ echoed: true })
    expect(recorded).toHaveLength(2)
    expect(recorded[0]!.body).toBe('{"concept_ids":[1,2,3],"note":"é"}')
    expect(recorded[1]!.body).toBe(recorded[0]!.body)
    expect(recorded.map((r) => r.headers["idempotency-key"])).toEqual(["idem-123", "idem-123"])
    expect(recorded.map((r) => r.headers["content-type"])).toEqual(["application/json", "application/json"])
  })
})

describe("configuration", () => {
  it("refuses plain http to non-loopback hosts unless allowed", () => {
    expect(resolveClientConfig({ baseUrl: "http://api.example.com/v1" })).toBeInstanceOf(ConfigurationError)
    for (const baseUrl of [
      "http://127.0.0.1:8080/v1",
      "http://127.1.2.3/v1",
      "http://localhost:1/v1",
      "http://[::1]:9/v1",
    ]) {
      expect(resolveClientConfig({ baseUrl })).not.toBeInstanceOf(ConfigurationError)
    }
    expect(
      resolveClientConfig({ baseUrl: "http://api.example.com/v1", allowInsecureHttp: true }),
    ).toMatchObject({
      baseUrl: "http://api.example.com/v1",
    })
    expect(() => createClient({ apiKey: "k", baseUrl: "http://api.example.com/v1" })).toThrow(
      ConfigurationError,
    )
  })

  it("reads OMOPHUB_API_URL through the Env service when no baseUrl is given", async () => {
    const resolve = (record: Record<string, string>, options = {}) =>
      Effect.runPromise(
        Effect.service(ClientConfig).pipe(
          Effect.provide(ClientConfig.layer(options)),
          Effect.provide(Env.fromRecord(record)),
          Effect.flip,
          Effect.map((error) => ({ error })),
          Effect.orElseSucceed(() => undefined),
        ),
      )
    const config = await Effect.runPromise(
      Effect.service(ClientConfig).pipe(
        Effect.provide(ClientConfig.layer({})),
        Effect.provide(Env.fromRecord({ OMOPHUB_API_URL: "http://localhost:9/v1/" })),
      ),
    )
    expect(config.baseUrl).toBe("http://localhost:9/v1")
    expect(await resolve({ OMOPHUB_API_URL: "http://insecure.example.com/v1" })).toEqual({
      error: expect.any(ConfigurationError),
    })
    // An explicit baseUrl wins over the environment.
    expect(
      await resolve({ OMOPHUB_API_URL: "http://insecure.example.com/v1" }, { baseUrl: "https://x.test" }),
    ).toBe(undefined)
  })

  it("refuses bad options and reserved headers with a ConfigurationError", () => {
    expect(resolveClientConfig({ baseUrl: "not a url" })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ baseUrl: "ftp://x.test" })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ baseUrl: "https://user:pw@x.test" })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ timeoutMs: 0 })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ maxRetries: -1 })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ requestsPerSecond: Number.NaN })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ headers: { Authorization: "Bearer x" } })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({ headers: { "x-ok": "a\r\nb" } })).toBeInstanceOf(ConfigurationError)
    expect(resolveClientConfig({})).toMatchObject({
      baseUrl: "https://api.omophub.com/v1",
      timeoutMs: 60_000,
      maxRetries: 3,
      maxRetryAfterMs: 60_000,
      concurrency: 8,
      onRateLimitExhausted: "wait",
    })
    expect(() => createClient({})).toThrow(ConfigurationError)
  })
})
