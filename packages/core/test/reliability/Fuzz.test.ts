// Property tests over the public operations with hostile input: every failure is a typed SDK error
// (never a throw, never a defect), invalid input never reaches the network, and whatever the SDK
// does send is decoded by the server into exactly the values given (path segments and query).
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import fc from "fast-check"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { ConfigurationError, createClient, isOmopHubError, OmopHubClient } from "../../src/index.ts"

const apiKey = "oh_fuzz_key_00000001"
let sandbox: Sandbox
let runtime: ManagedRuntime.ManagedRuntime<OmopHubClient, unknown>

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey] })
  runtime = ManagedRuntime.make(
    OmopHubClient.layer({
      apiKey,
      baseUrl: sandbox.url,
      rateLimitState: "isolated",
      batching: false,
      maxRetries: 0,
      timeoutMs: 5000,
    }),
  )
})
afterAll(async () => {
  await runtime.dispose()
  await sandbox.close()
})
beforeEach(() => sandbox.clearRequests())

type Client = OmopHubClient["Service"]
// Loosely typed access: the fuzzer passes values the signatures forbid, as JavaScript callers can.
type Loose = (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>

/** Runs a call; fails the property on a throw or a defect; returns the typed error tag or "ok". */
const outcome = async (call: (client: Client) => Effect.Effect<unknown, unknown>): Promise<string> => {
  const exit = await runtime.runPromiseExit(
    Effect.flatMap(Effect.service(OmopHubClient), (client) => Effect.suspend(() => call(client))),
  )
  if (Exit.isSuccess(exit)) return "ok"
  const reasons = exit.cause.reasons
  const failure = reasons[0]
  if (reasons.length !== 1 || failure?._tag !== "Fail" || !isOmopHubError(failure.error)) {
    throw new Error(
      `untyped failure: ${String(failure?._tag === "Die" ? failure.defect : JSON.stringify(reasons))}`,
    )
  }
  return failure.error._tag
}

/** Asserts a call is rejected before the network. */
const rejectedLocally = async (call: (client: Client) => Effect.Effect<unknown, unknown>) => {
  sandbox.clearRequests()
  expect(await outcome(call)).toBe("ValidationError")
  expect(sandbox.requests()).toEqual([])
}

// --- Generators
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "/",
    ".",
    "..",
    "%",
    "%2F",
    "%zz",
    "a/b",
    "../x",
    "?x=1",
    "#frag",
    "\u0000",
    "\r\n",
    "\t",
    "+",
    " a ",
    "é",
    "😀",
    "mg/dL",
    "[in_i]",
  ),
  fc
    .array(fc.constantFrom("a", "/", "%", ".", " ", "é", "\u0001"), { minLength: 1, maxLength: 12 })
    .map((a) => a.join("")),
)
/** Strings the API accepts as a path segment or query text: not blank, not a dot segment. */
const acceptableText = hostileString.filter((s) => s.trim() !== "" && s !== "." && s !== "..")
const isWellFormed = (s: string) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))
const badNumber = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 1e300, -0.5),
)
const notANumber = fc.oneof(
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object(),
  fc.array(fc.integer()),
  fc.bigInt(),
)
const blank = fc.constantFrom("", " ", "\t", "\n  ", "\u00a0")
const knownOptionKeys = [
  ...["vocabRelease", "includeRelationships", "includeSynonyms", "includeHierarchy", "vocabularyIds"],
  ...["domainIds", "conceptClassIds", "standardConcept", "includeInvalid", "minScore", "exactMatch"],
  ...["sortBy", "sortOrder", "page", "pageSize"],
]
const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !knownOptionKeys.includes(k))
const wrongType = fc.oneof(fc.string(), fc.integer(), fc.object(), fc.array(fc.anything()), fc.double())

/** Decoded last `n` segments of a logged path. */
const lastSegments = (n: number) => {
  const entries = sandbox.requests()
  expect(entries).toHaveLength(1)
  return entries[0]!.path.split("/").slice(-n).map(decodeURIComponent)
}

const runs = { numRuns: 150 }

describe("invalid input: a ValidationError and no request", () => {
  it("concepts.get with ids that are not non-negative safe integers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(badNumber, notANumber), async (id) => {
        await rejectedLocally((c) => (c.concepts.get as Loose)(id))
      }),
      runs,
    )
  })

  it("concepts.getByCode with blank, non-string or dot-segment arguments", async () => {
    const bad = fc.oneof(
      blank,
      fc.constantFrom(".", ".."),
      notANumber.filter((v) => typeof v !== "string"),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.tuple(bad, acceptableText), fc.tuple(acceptableText, bad), fc.tuple(bad, bad)),
        async ([vocabularyId, code]) => {
          await rejectedLocally((c) => (c.concepts.getByCode as Loose)(vocabularyId, code))
        },
      ),
      runs,
    )
  })

  it("search.basic with a blank query, or options with unknown keys, wrong types or out-of-range numbers", async () => {
    const badOptions = fc.oneof(
      fc.constant({ notAnOption: 1 }),
      fc.tuple(unknownKey, fc.anything()).map(([k, v]) => ({ [k]: v, pageSize: 5 })),
      fc.record({
        pageSize: fc.oneof(
          badNumber,
          fc.integer({ min: 1001 }),
          fc.constant(0),
          notANumber.filter((v) => v !== null && v !== undefined),
        ),
      }),
      fc.record({ page: fc.oneof(badNumber, fc.constant(0)) }),
      fc.record({
        minScore: fc.oneof(
          fc.double({ min: 1.0000001, noNaN: true }),
          fc.double({ max: -0.0000001, noNaN: true }),
          fc.constant(Number.NaN),
        ),
      }),
      fc.record({ includeSynonyms: wrongType }),
      fc.record({
        vocabularyIds: fc.oneof(
          fc.string(),
          fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1 }),
          fc.array(
            fc.string().map((s) => `${s},x`),
            { minLength: 1 },
          ),
        ),
      }),
      fc.record({ sortBy: fc.string().filter((s) => !["relevance", "name", "code", "date"].includes(s)) }),
      fc.oneof(fc.string(), fc.integer(), fc.array(fc.anything())),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          blank.map((q) => [q, undefined] as const),
          fc.tuple(acceptableText, badOptions),
        ),
        async ([query, options]) => {
          await rejectedLocally((c) => (c.search.basic as Loose)(query, options))
        },
      ),
      runs,
    )
  })

  it("concepts.batch with an empty list, more than 100 ids, or bad ids", async () => {
    const validId = fc.integer({ min: 0, max: 2_000_000_000 })
    const badList = fc.oneof(
      fc.constant([]),
      fc.array(validId, { minLength: 101, maxLength: 300 }),
      fc
        .tuple(
          fc.array(validId, { maxLength: 20 }),
          fc.oneof(badNumber, notANumber),
          fc.array(validId, { maxLength: 20 }),
        )
        .map(([a, bad, b]) => [...a, bad, ...b]),
      // Not a list at all.
      notANumber.filter((v) => !Array.isArray(v)),
      fc.integer(),
    )
    await fc.assert(
      fc.asyncProperty(badList, async (ids) => {
        await rejectedLocally((c) => (c.concepts.batch as Loose)(ids))
      }),
      runs,
    )
  })

  it("every method rejects an options object with an unknown key", async () => {
    const calls: ReadonlyArray<(c: Client, options: object) => Effect.Effect<unknown, unknown>> = [
      (c, o) => (c.concepts.get as Loose)(201826, o),
      (c, o) => (c.concepts.getByCode as Loose)("SNOMED", "44054006", o),
      (c, o) => (c.concepts.batch as Loose)([201826], o),
      (c, o) => (c.search.basic as Loose)("diabetes", o),
      (c, o) => (c.search.advanced as Loose)("diabetes", o),
      (c, o) => (c.hierarchy.ancestors as Loose)(201826, o),
      (c, o) => (c.mappings.get as Loose)(201826, o),
      (c, o) => (c.vocabularies.get as Loose)("SNOMED", o),
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.constantFrom("bogus", "__proto__x", "vocab_release", "PageSize", "include_synonyms"),
        async (call, key) => {
          await rejectedLocally((c) => call(c, { [key]: true }))
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe("valid input: typed outcome and an exact round trip", () => {
  it("concepts.getByCode: the path's last two segments decode to exactly the arguments", async () => {
    await fc.assert(
      fc.asyncProperty(
        acceptableText.filter(isWellFormed),
        acceptableText.filter(isWellFormed),
        async (vocabularyId, code) => {
          sandbox.clearRequests()
          const result = await outcome((c) => c.concepts.getByCode(vocabularyId, code))
          expect(["ok", "NotFoundError", "InvalidRequestError"]).toContain(result)
          expect(lastSegments(2)).toEqual([vocabularyId, code])
        },
      ),
      runs,
    )
  })

  it("concepts.get: the path's last segment is the id, for every non-negative safe integer", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.maxSafeNat()), async (id) => {
        sandbox.clearRequests()
        const result = await outcome((c) => c.concepts.get(id))
        // The sandbox answers 400 for ids beyond its integer range; still a typed outcome.
        expect(["ok", "NotFoundError", "InvalidRequestError"]).toContain(result)
        expect(lastSegments(1)).toEqual([String(id)])
      }),
      { numRuns: 100 },
    )
  })

  it("search.basic: query, lists and numbers arrive exactly as given", async () => {
    // Empty items are allowed and dropped (documented in RequestBuilder); the rest go as given.
    const listItem = fc.oneof(
      acceptableText.filter((s) => isWellFormed(s) && !s.includes(",")),
      fc.constant(""),
    )
    await fc.assert(
      fc.asyncProperty(
        acceptableText.filter(isWellFormed),
        fc.record(
          {
            vocabularyIds: fc.array(listItem, { minLength: 1, maxLength: 4 }),
            pageSize: fc.integer({ min: 1, max: 1000 }),
            page: fc.integer({ min: 1, max: 2 ** 40 }),
            minScore: fc.double({ min: 0, max: 1, noNaN: true }),
            includeSynonyms: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        async (query, options) => {
          sandbox.clearRequests()
          const result = await outcome((c) => c.search.basic(query, options))
          expect(["ok", "InvalidRequestError"]).toContain(result)
          const logged = sandbox.requests()
          expect(logged).toHaveLength(1)
          const sent = logged[0]!.query
          expect(sent.query).toBe(query)
          if (options.vocabularyIds) {
            const items = options.vocabularyIds.filter((item) => item !== "")
            expect(sent.vocabulary_ids).toBe(items.length === 0 ? undefined : items.join(","))
          }
          if (options.pageSize !== undefined) expect(sent.page_size).toBe(String(options.pageSize))
          if (options.page !== undefined) expect(sent.page).toBe(String(options.page))
          if (options.minScore !== undefined) expect(Number(sent.min_score)).toBe(options.minScore)
          if (options.includeSynonyms !== undefined)
            expect(sent.include_synonyms).toBe(String(options.includeSynonyms))
        },
      ),
      runs,
    )
  })

  it("search.advanced: the JSON body carries exactly the query given", async () => {
    await fc.assert(
      fc.asyncProperty(acceptableText.filter(isWellFormed), async (query) => {
        sandbox.clearRequests()
        const result = await outcome((c) => c.search.advanced(query, { pageSize: 1 }))
        expect(["ok", "InvalidRequestError"]).toContain(result)
        const logged = sandbox.requests()
        expect(logged).toHaveLength(1)
        expect(JSON.parse(logged[0]!.body)).toMatchObject({ query, page_size: 1 })
      }),
      { numRuns: 100 },
    )
  })

  it("very long arguments end in a result or a typed error, never a throw", async () => {
    for (const length of [2_000, 20_000, 200_000]) {
      const text = "x%/é".repeat(length / 4)
      // `outcome` fails the test on a throw or a defect; any typed outcome (414/431 from the server,
      // a NotFoundError...) is acceptable.
      expect(await outcome((c) => c.concepts.getByCode("SNOMED", text))).toMatch(/^(ok|[A-Za-z]+Error)$/)
      expect(await outcome((c) => c.search.basic(text))).toMatch(/^(ok|[A-Za-z]+Error)$/)
    }
  })
})

describe("Promise client", () => {
  it("never throws synchronously and rejects only with SDK errors", async () => {
    const client = createClient({ apiKey, baseUrl: sandbox.url, batching: false, maxRetries: 0 })
    const anything = fc.oneof(
      acceptableText.filter(isWellFormed),
      blank,
      badNumber,
      notANumber,
      fc.integer({ min: 0 }),
    )
    type Methods = Record<string, (...args: ReadonlyArray<unknown>) => Promise<unknown>>
    const calls: ReadonlyArray<(a: unknown, b: unknown) => Promise<unknown>> = [
      (a, b) => (client.concepts as unknown as Methods).get!(a, b),
      (a, b) => (client.concepts as unknown as Methods).getByCode!(a, b),
      (a, b) => (client.concepts as unknown as Methods).batch!(a, b),
      (a, b) => (client.search as unknown as Methods).basic!(a, b),
      (a, b) => (client.search as unknown as Methods).advanced!(a, b),
      (a, b) => (client.vocabularies as unknown as Methods).get!(a, b),
    ]
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...calls),
          anything,
          fc.oneof(anything, fc.object()),
          async (call, a, b) => {
            let promise: Promise<unknown>
            try {
              promise = call(a, b)
            } catch (thrown) {
              throw new Error(`threw synchronously: ${String(thrown)}`)
            }
            const rejection = await promise.then(
              () => undefined,
              (e: unknown) => e,
            )
            if (rejection !== undefined) expect(isOmopHubError(rejection), String(rejection)).toBe(true)
          },
        ),
        runs,
      )
    } finally {
      await client.close()
    }
  })
})

describe("client options", () => {
  it("createClient either builds a client or throws a ConfigurationError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            baseUrl: fc.oneof(
              fc.string(),
              fc.webUrl(),
              fc.constantFrom("http://example.com/v1", "ftp://x", "https://u:p@h/v1", "https://h/v1?x=1"),
            ),
            timeoutMs: fc.oneof(fc.integer(), badNumber, wrongType),
            maxRetries: fc.oneof(fc.integer({ min: -5, max: 20 }), badNumber, wrongType),
            concurrency: fc.oneof(fc.integer({ min: -5, max: 2000 }), wrongType),
            headers: fc.dictionary(
              fc.string({ maxLength: 10 }),
              fc.oneof(fc.string({ maxLength: 10 }), wrongType),
              { maxKeys: 3 },
            ),
            userAgent: fc.oneof(fc.string({ unit: "binary", maxLength: 10 }), wrongType),
            batching: fc.oneof(fc.boolean(), wrongType),
            cache: fc.oneof(fc.boolean(), wrongType),
            vocabRelease: fc.oneof(fc.string(), wrongType),
          },
          { requiredKeys: [] },
        ),
        async (options) => {
          let client: ReturnType<typeof createClient> | undefined
          try {
            client = createClient({ apiKey, ...(options as object) })
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigurationError)
            return
          }
          await client.close()
        },
      ),
      { numRuns: 200 },
    )
  })
})

// Lone UTF-16 surrogates cannot go into a URL as they are: URLs carry UTF-8, and a lone surrogate has
// no UTF-8 form. The SDK must refuse them with a ValidationError (or send them losslessly), never
// throw and never replace them silently. (JSON bodies escape them as \udXXX, which is lossless.)
describe("lone surrogates", () => {
  // encodeURIComponent would throw `URIError: URI malformed` here (found by this suite as bug K1).
  it("concepts.getByCode with a lone surrogate fails with a typed error, not a thrown URIError", async () => {
    const result = await outcome((c) => c.concepts.getByCode("SNOMED", "a\uD800b")).catch((e: unknown) =>
      String(e),
    )
    expect(result).toBe("ValidationError")
  })

  // URLSearchParams would replace it with U+FFFD, searching for another string (bug K2).
  it("search.basic with a lone surrogate is not altered silently", async () => {
    sandbox.clearRequests()
    const result = await outcome((c) => c.search.basic("diabetes \uDC00"))
    const logged = sandbox.requests()
    // Either refused before the network, or sent so that the server decodes the same string.
    if (result === "ValidationError") expect(logged).toEqual([])
    else expect(logged[0]?.query.query).toBe("diabetes \uDC00")
  })
})
