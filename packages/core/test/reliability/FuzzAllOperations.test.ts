// Property tests over EVERY public operation, driven by the `resources` registry, so an operation
// added later is fuzzed without touching this file (Fuzz.test.ts goes deeper on a few of them).
// Through the Promise client, against one sandbox:
// 1. any argument list (and the paged All / Iter / Pages variants) settles with a value or an SDK
//    error, never a throw or a bare TypeError, and a ValidationError never reaches the network;
// 2. path placeholders and 3. query text reach the server decoded exactly as given;
// 4. exactly-one-of rules and list caps are refused locally, while the caps themselves are sent whole.
// Regression tests for the SDK bugs this suite found (B1-B4) are at the end.
import { type Sandbox, start } from "@omophub/sandbox"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Checker,
  createClient,
  isOmopHubError,
  makeChecker,
  type OMOPHub,
  resources,
} from "../../src/index.ts"
import type { AnyMethod } from "../../src/resources/Operation.ts"

const apiKey = "oh_fuzz_all_ops_0001"
let sandbox: Sandbox
let client: OMOPHub

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey] })
  client = createClient({ apiKey, baseUrl: sandbox.url, maxRetries: 0, batching: false })
})
afterAll(async () => {
  await client?.close()
  await sandbox?.close()
})

// Property runs make real requests; the default 5 s per test is too short on a loaded machine.
const timeout = 60_000
const runs = { numRuns: 50 }

// --- The registry, flattened

interface Entry {
  readonly id: string
  readonly resource: string
  readonly name: string
  readonly m: AnyMethod
}
const registry: ReadonlyArray<Entry> = Object.entries(resources).flatMap(([resource, methods]) =>
  Object.entries(methods as Record<string, AnyMethod>).map(([name, m]) => ({
    id: `${resource}.${name}`,
    resource,
    name,
    m,
  })),
)

// Loosely typed access: the fuzzer passes values the signatures forbid, as JavaScript callers can.
type Loose = (...args: ReadonlyArray<unknown>) => unknown
const promiseMethod = (resource: string, name: string): Loose =>
  (client as unknown as Record<string, Record<string, Loose>>)[resource]![name]!

/**
 * The option names a method knows, read from its descriptor: `encode` is run once with a checker that
 * records the key list of the top-level `options` (or, for `similar` / `map`, `request`) object.
 */
const optionNamesOf = (m: AnyMethod): ReadonlyArray<string> => {
  const names = new Set<string>()
  const base = makeChecker()
  const spy: Checker = {
    ...base,
    options: (path, value, known) => {
      if (path === "options" || path === "request") for (const key of known) names.add(key)
      return base.options(path, value, known)
    },
  }
  m.operation.encode(m.toInput(Array.from({ length: m.arity }), {}), spy)
  return [...names]
}

/** The `{name}` placeholders of a route template, in order. */
const placeholdersOf = (template: string): ReadonlyArray<string> =>
  [...template.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!)

// --- Generators

const isWellFormed = (s: string) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("", " ", "/", ".", "..", "%", "%2F", "%zz", "a/b", "../x", "?x=1", "#f", "\u0000", "\r\n"),
  fc.constantFrom("+", "é", "😀", "a\uD800b", "\uDC00", "a,b", "mg/dL", "[in_i]"),
  fc.constantFrom("x".repeat(5_000), "%/é.".repeat(2_500)),
  fc
    .array(fc.constantFrom("a", "/", "%", ".", " ", "é", "\u0001", "\u007f"), { minLength: 1, maxLength: 12 })
    .map((a) => a.join("")),
)
const hostileNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double(),
  fc.constantFrom(0, -0, 0.5, 2 ** 31 + 1, 2 ** 53, 1e300, Number.NaN, Number.POSITIVE_INFINITY, -Infinity),
)
const scalar = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.constant(Symbol("s")),
)
const hostileArray = fc.oneof(
  fc.constant([]),
  fc.array(scalar, { maxLength: 4 }),
  fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 101, maxLength: 120 }),
  fc.array(fc.constant(""), { minLength: 1, maxLength: 3 }),
  // Empty items (holes).
  fc.integer({ min: 1, max: 4 }).map((n) => new Array<unknown>(n)),
)
const hostileObject = fc.oneof(
  fc.object({ maxDepth: 1, maxKeys: 4 }),
  fc.constant(Object.create(null) as object),
  fc.constant(new Date(0)),
  fc.constant({ coding: [] }),
)

/** Values a caller could plausibly mean, so calls get past the first check and reach the server. */
const coding = { system: "http://snomed.info/sct", code: "44054006" }
const plausibleValues: ReadonlyArray<unknown> = [
  201826,
  0,
  "SNOMED",
  "Condition",
  "diabetes",
  [201826, 4329847],
  [{ searchId: "s1", query: "diabetes" }],
  coding,
  [coding],
  { coding: [coding], text: "diabetes" },
]
const plausibleArgument = fc.constantFrom(...plausibleValues)
const plausibleOptionValue = fc.constantFrom<unknown>(
  true,
  false,
  1,
  5,
  20,
  21,
  1001,
  0.5,
  "S",
  "C",
  "asc",
  "name",
  "graph",
  "2025.2",
  "ICD10CM",
  "diabetes",
  ["SNOMED"],
  ["Is a"],
  [201826],
  "idem-key-0001",
)
const anyValue = fc.oneof(scalar, hostileArray, hostileObject, plausibleArgument)

// A signal that is not an AbortSignal throws synchronously (bug B1 below); the generic property keeps
// to real signals so it can cover everything else. Aborted signals reject with `signal.reason` by design.
const signalValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(null).map(() => new AbortController().signal),
)

/** Plausible request objects for methods whose only argument is a request (`similar`, `map`). */
const plausibleRequests: ReadonlyArray<object | undefined> = [
  undefined,
  { query: "diabetes" },
  { targetVocabulary: "ICD10CM", sourceConcepts: [201826] },
]

/**
 * A call each method accepts, found offline from the plausible values: the first positional tuple
 * (and request object) whose `encode` records no issue. The fuzzer mutates it, so most calls get
 * past the first check and many reach the server. `undefined` when nothing in the pool fits.
 */
const validExampleOf = (
  m: AnyMethod,
): { readonly args: ReadonlyArray<unknown>; readonly options: object | undefined } | undefined => {
  const tuples = (n: number): ReadonlyArray<ReadonlyArray<unknown>> =>
    n === 0 ? [[]] : tuples(n - 1).flatMap((rest) => plausibleValues.map((value) => [...rest, value]))
  for (const args of tuples(m.arity)) {
    for (const options of plausibleRequests) {
      const check = makeChecker()
      m.operation.encode(m.toInput(args, options), check)
      if (check.issues.length === 0) return { args, options }
    }
  }
  return undefined
}

/** An arbitrary trailing options object: the method's own option names, per-call keys, unknown keys. */
const optionsFor = (names: ReadonlyArray<string>, base: object | undefined) => {
  const known = names.length === 0 ? fc.constant("vocabRelease") : fc.constantFrom(...names)
  const knownEntry = fc.tuple(
    known,
    fc.oneof({ arbitrary: plausibleOptionValue, weight: 3 }, { arbitrary: anyValue, weight: 1 }),
  )
  const entry = fc.oneof(
    { arbitrary: knownEntry, weight: 6 },
    fc.tuple(fc.constant("idempotencyKey"), fc.oneof(plausibleOptionValue, hostileString, scalar)),
    fc.tuple(fc.constant("signal"), signalValue),
    fc.tuple(fc.constantFrom("maxPages", "limit"), fc.oneof(plausibleOptionValue, hostileNumber)),
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== "__proto__" && k !== "signal"),
      anyValue,
    ),
  )
  return fc.oneof(
    { arbitrary: fc.constant(base), weight: 2 },
    fc.constant(undefined),
    {
      arbitrary: fc.uniqueArray(entry, { maxLength: 3, selector: ([key]) => key }).map((entries) =>
        // defineProperty keeps every key an own data property (no prototype tricks here; see B2).
        entries.reduce<Record<string, unknown>>(
          (o, [key, value]) =>
            Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true }),
          { ...base },
        ),
      ),
      weight: 6,
    },
    fc.oneof(scalar, hostileArray),
  )
}

/** Positional arguments and trailing options for `m`: a valid example, mutated or replaced. */
const argumentsFor = (m: AnyMethod) => {
  const example = validExampleOf(m)
  // Each position keeps the valid example or takes an arbitrary value.
  const positional = fc.tuple(
    ...Array.from({ length: m.arity }, (_, i) =>
      fc.oneof({ arbitrary: fc.constant(example?.args[i]), weight: 2 }, { arbitrary: anyValue, weight: 1 }),
    ),
  )
  return fc.record({ args: positional, options: optionsFor(optionNamesOf(m), example?.options) })
}

/** The failure is an SDK error; a ValidationError sent nothing (the log was cleared before the call). */
const expectSdkError = (id: string, error: unknown) => {
  expect(isOmopHubError(error), `${id} failed with ${String(error)}`).toBe(true)
  if ((error as { readonly _tag: string })._tag === "ValidationError") expect(sandbox.requests()).toEqual([])
}

/** Calls `method(...args)`; fails on a synchronous throw; returns the settled outcome. */
const settle = async (
  call: () => unknown,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: unknown }> => {
  let promise: unknown
  try {
    promise = call()
  } catch (thrown) {
    throw new Error(`threw synchronously: ${String(thrown)}`)
  }
  expect(promise).toBeInstanceOf(Promise)
  return (promise as Promise<unknown>).then(
    () => ({ ok: true }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  )
}

/** Asserts the call was refused with a ValidationError and sent nothing. */
const expectRejectedLocally = async (call: () => unknown) => {
  sandbox.clearRequests()
  const outcome = await settle(call)
  expect(outcome.ok).toBe(false)
  const error = (outcome as { readonly error: unknown }).error
  expect(isOmopHubError(error), String(error)).toBe(true)
  expect((error as { readonly _tag: string })._tag, String(error)).toBe("ValidationError")
  expect(sandbox.requests()).toEqual([])
}

/** Asserts the call reached the server once and was not refused locally; returns the logged request. */
const expectSentOnce = async (call: () => unknown) => {
  sandbox.clearRequests()
  const outcome = await settle(call)
  if (!outcome.ok) {
    expect(isOmopHubError(outcome.error), String(outcome.error)).toBe(true)
    expect((outcome.error as { readonly _tag: string })._tag, String(outcome.error)).not.toBe(
      "ValidationError",
    )
  }
  const logged = sandbox.requests()
  expect(logged).toHaveLength(1)
  return logged[0]!
}

// --- 1. Every operation, arbitrary arguments

describe("every registry method: a value or an SDK error, and ValidationError never sends", () => {
  it("the registry is non-empty; every method has option names and a valid example", () => {
    expect(registry.length).toBeGreaterThanOrEqual(30)
    for (const { id, m } of registry) {
      expect(optionNamesOf(m).length, id).toBeGreaterThan(0)
      expect(validExampleOf(m), id).toBeDefined()
    }
  })

  for (const { id, resource, name, m } of registry) {
    it(
      id,
      async () => {
        const call = promiseMethod(resource, name)
        let sent = 0
        await fc.assert(
          fc.asyncProperty(argumentsFor(m), async ({ args, options }) => {
            sandbox.clearRequests()
            const outcome = await settle(() => call(...args, options))
            sent += sandbox.requests().length
            if (!outcome.ok) expectSdkError(id, outcome.error)
          }),
          runs,
        )
        // The property is only worth something if calls also get past validation.
        expect(sent, `${id}: no call reached the server`).toBeGreaterThan(0)
      },
      timeout,
    )
  }
})

// Paged methods also come as `<name>All` (a promise) and `<name>Iter` / `<name>Pages` (async
// iterables); the walk keys `maxPages` / `limit` are checked by the pager, the rest by the method.
describe("every paged method's All / Iter / Pages variants: the same guarantees", () => {
  const paged = registry.filter(({ m }) => m.operation.pageItems !== undefined)
  // Valid walks are kept short (1 or 2 pages, a few items); the other values must be refused.
  const walkValue = fc.oneof(
    { arbitrary: fc.constantFrom(1, 2), weight: 3 },
    fc.constantFrom<unknown>(0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "2", null, true, {}),
  )

  it("covers the paged methods", () => {
    expect(paged.length).toBeGreaterThanOrEqual(10)
  })

  for (const { id, resource, name, m } of paged) {
    it(
      `${id}All / ${id}Iter / ${id}Pages`,
      async () => {
        const all = promiseMethod(resource, `${name}All`)
        const iterables = [promiseMethod(resource, `${name}Iter`), promiseMethod(resource, `${name}Pages`)]
        let sent = 0
        await fc.assert(
          fc.asyncProperty(
            argumentsFor(m),
            fc.record({ maxPages: walkValue, limit: walkValue }, { requiredKeys: ["maxPages"] }),
            fc.nat({ max: 1 }),
            async ({ args, options }, walk, which) => {
              // Non-object options stay as they are (they must be refused); objects get the walk keys.
              const mergeable =
                options === undefined ||
                (typeof options === "object" && options !== null && !Array.isArray(options))
              const withWalk = (extra: object) => (mergeable ? { ...(options as object), ...extra } : options)
              sandbox.clearRequests()
              const outcome = await settle(() => all(...args, withWalk(walk)))
              sent += sandbox.requests().length
              if (!outcome.ok) expectSdkError(`${id}All`, outcome.error)

              // Iter / Pages: no `limit` (see B4); read at most three steps, then stop.
              const { limit: _notAWalkOption, ...iterWalk } = walk
              const iterOptions = withWalk(iterWalk)
              sandbox.clearRequests()
              let iterable: unknown
              try {
                iterable = iterables[which]!(...args, iterOptions)
              } catch (thrown) {
                throw new Error(`${id} iterable threw synchronously: ${String(thrown)}`)
              }
              try {
                let steps = 0
                for await (const _ of iterable as AsyncIterable<unknown>) if (++steps >= 3) break
              } catch (error) {
                expectSdkError(`${id} iterable`, error)
              }
            },
          ),
          { numRuns: 40 },
        )
        expect(sent, `${id}All: no call reached the server`).toBeGreaterThan(0)
      },
      timeout,
    )
  }
})

// --- 2. Path segments round trip

/** Text the API accepts as a path segment: not blank, not a dot segment, no lone surrogate. */
const segmentText = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
    fc
      .array(fc.constantFrom("a", "/", "%", ".", " ", "é", "?", "#", "+", "😀", "\u0001"), {
        minLength: 1,
        maxLength: 12,
      })
      .map((a) => a.join("")),
  )
  .filter((s) => s.trim() !== "" && s !== "." && s !== ".." && isWellFormed(s))
const conceptIdValue = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.maxSafeNat())
const segmentValue = (placeholder: string) => (placeholder === "concept_id" ? conceptIdValue : segmentText)

describe("path placeholders: the server decodes exactly the values given", () => {
  const routed = registry.filter(({ m }) => placeholdersOf(m.operation.path).length > 0)

  it("covers the routed methods", () => {
    expect(routed.map(({ id }) => id)).toEqual(
      expect.arrayContaining(["concepts.getByCode", "vocabularies.domainStats", "domains.concepts"]),
    )
  })

  for (const { id, resource, name, m } of routed) {
    const placeholders = placeholdersOf(m.operation.path)
    it(
      `${id} ${m.operation.path}`,
      async () => {
        // The positional arguments fill the placeholders in order; a method breaking that needs its own test.
        expect(placeholders).toHaveLength(m.arity)
        const call = promiseMethod(resource, name)
        const template = `/v1${m.operation.path}`.split("/")
        await fc.assert(
          fc.asyncProperty(fc.tuple(...placeholders.map(segmentValue)), async (values) => {
            const logged = await expectSentOnce(() => call(...values))
            let next = 0
            const expected = template.map((part) => (part.startsWith("{") ? String(values[next++]) : part))
            const segments = logged.path.split("/")
            expect(segments).toHaveLength(expected.length)
            expect(segments.map(decodeURIComponent)).toEqual(expected)
          }),
          runs,
        )
      },
      timeout,
    )
  }
})

// --- 3. Query text round trip

/** Query text: not blank, no lone surrogate (those are refused, see Fuzz.test.ts). */
const queryText = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
    fc
      .array(fc.constantFrom("a", "&", "=", "+", "%", " ", ",", "é", "#", "?", "😀", "\u0000", "\n"), {
        minLength: 1,
        maxLength: 16,
      })
      .map((a) => a.join("")),
  )
  .filter((s) => s.trim() !== "" && isWellFormed(s))

const queryCases: ReadonlyArray<{
  readonly id: string
  readonly key: string
  readonly text: fc.Arbitrary<string>
  readonly call: (text: string) => unknown
}> = [
  { id: "search.basic", key: "query", text: queryText, call: (q) => client.search.basic(q) },
  {
    id: "search.semantic",
    key: "query",
    text: queryText.filter((q) => q.length <= 500),
    call: (q) => client.search.semantic(q),
  },
  { id: "search.autocomplete", key: "query", text: queryText, call: (q) => client.search.autocomplete(q) },
  {
    id: "concepts.suggest",
    key: "query",
    text: queryText.filter((q) => q.trim().length >= 2 && q.length <= 100),
    call: (q) => client.concepts.suggest(q),
  },
  {
    id: "vocabularies.concepts (search option)",
    key: "search",
    text: queryText,
    call: (q) => client.vocabularies.concepts("SNOMED", { search: q }),
  },
]

describe("query text: the server decodes exactly the text given", () => {
  for (const { id, key, text, call } of queryCases) {
    it(
      id,
      async () => {
        await fc.assert(
          fc.asyncProperty(text, async (q) => {
            const logged = await expectSentOnce(() => call(q))
            expect(logged.query[key]).toBe(q)
          }),
          runs,
        )
      },
      timeout,
    )
  }
})

// --- 4. Exactly-one-of rules and caps

const validId = fc.integer({ min: 0, max: 2_000_000_000 })
const searchesOf = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ searchId: `s${i}`, query: `diabetes ${i}` }))
const codingsOf = (count: number) => Array.from({ length: count }, () => ({ ...coding }))

describe("exactly-one-of rules and caps: ValidationError before any request", () => {
  it(
    "search.similar with zero or several of conceptId / conceptName / query",
    async () => {
      const sources = { conceptId: 201826, conceptName: "Diabetes mellitus", query: "high blood sugar" }
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(["conceptId", "conceptName", "query"] as const).filter((keys) => keys.length !== 1),
          fc.record(
            { pageSize: fc.integer({ min: 1, max: 1000 }), includeScores: fc.boolean() },
            {
              requiredKeys: [],
            },
          ),
          async (keys, extra) => {
            const request = { ...extra, ...Object.fromEntries(keys.map((k) => [k, sources[k]])) }
            await expectRejectedLocally(() => (client.search.similar as Loose)(request))
          },
        ),
        { numRuns: 20 },
      )
      // Exactly one is accepted: the rule is not stricter than documented.
      for (const key of ["conceptId", "conceptName", "query"] as const) {
        await expectSentOnce(() => client.search.similar({ [key]: sources[key] }))
      }
    },
    timeout,
  )

  it(
    "mappings.map with both or neither of sourceConcepts / sourceCodes",
    async () => {
      const sourceConcepts = [201826]
      const sourceCodes = [{ vocabularyId: "SNOMED", conceptCode: "44054006" }]
      await expectRejectedLocally(() => (client.mappings.map as Loose)({ targetVocabulary: "ICD10CM" }))
      await expectRejectedLocally(() =>
        (client.mappings.map as Loose)({ targetVocabulary: "ICD10CM", sourceConcepts, sourceCodes }),
      )
      await expectSentOnce(() => client.mappings.map({ targetVocabulary: "ICD10CM", sourceConcepts }))
      await expectSentOnce(() => client.mappings.map({ targetVocabulary: "ICD10CM", sourceCodes }))
    },
    timeout,
  )

  it(
    "concepts.batch with 0 or more than 100 ids; 100 are sent whole",
    async () => {
      await expectRejectedLocally(() => client.concepts.batch([]))
      await fc.assert(
        fc.asyncProperty(fc.array(validId, { minLength: 101, maxLength: 150 }), async (ids) => {
          await expectRejectedLocally(() => client.concepts.batch(ids))
        }),
        { numRuns: 20 },
      )
      const hundred = Array.from({ length: 100 }, (_, i) => 201826 + i)
      const logged = await expectSentOnce(() => client.concepts.batch(hundred))
      expect(JSON.parse(logged.body).concept_ids).toEqual(hundred)
    },
    timeout,
  )

  it(
    "search.bulkBasic with 51 searches and search.bulkSemantic with 26; the caps themselves are sent whole",
    async () => {
      await expectRejectedLocally(() => client.search.bulkBasic(searchesOf(51)))
      await expectRejectedLocally(() => client.search.bulkSemantic(searchesOf(26)))
      const basic = await expectSentOnce(() => client.search.bulkBasic(searchesOf(50)))
      expect(JSON.parse(basic.body).searches).toHaveLength(50)
      const semantic = await expectSentOnce(() => client.search.bulkSemantic(searchesOf(25)))
      expect(JSON.parse(semantic.body).searches).toHaveLength(25)
    },
    timeout,
  )

  it(
    "fhir.resolveBatch with 101 codings and fhir.resolveCodeableConcept with 21; the caps are sent whole",
    async () => {
      await expectRejectedLocally(() => client.fhir.resolveBatch(codingsOf(101)))
      await expectRejectedLocally(() => client.fhir.resolveCodeableConcept(codingsOf(21)))
      await expectRejectedLocally(() => client.fhir.resolveCodeableConcept({ coding: codingsOf(21) }))
      const batch = await expectSentOnce(() => client.fhir.resolveBatch(codingsOf(100)))
      expect(JSON.parse(batch.body).codings).toHaveLength(100)
      const concept = await expectSentOnce(() => client.fhir.resolveCodeableConcept(codingsOf(20)))
      expect(JSON.parse(concept.body).coding).toHaveLength(20)
    },
    timeout,
  )

  it(
    "hierarchy maxLevels above 20 (ancestors, descendants, get); 20 is sent as given",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("ancestors", "descendants", "get") as fc.Arbitrary<
            "ancestors" | "descendants" | "get"
          >,
          fc.oneof(fc.constant(21), fc.integer({ min: 21, max: 1_000_000 })),
          async (name, maxLevels) => {
            await expectRejectedLocally(() => client.hierarchy[name](201826, { maxLevels }))
          },
        ),
        { numRuns: 20 },
      )
      const logged = await expectSentOnce(() => client.hierarchy.ancestors(201826, { maxLevels: 20 }))
      expect(logged.query.max_levels).toBe("20")
    },
    timeout,
  )
})

// --- Findings

describe("bugs this suite found (B1-B4), now regression tests", () => {
  // B1: `signal` is handed to the runtime unchecked; anything but an AbortSignal (a string, a number,
  // `{}`, `true`) makes every Promise method THROW `TypeError: options.signal.addEventListener is not a
  // function` synchronously, instead of rejecting with a ValidationError.
  it(
    "B1: a `signal` that is not an AbortSignal rejects with a ValidationError instead of throwing",
    async () => {
      for (const { resource, name, m } of registry) {
        const args = Array.from({ length: m.arity }, () => "x")
        for (const signal of ["x", 1, {}, true]) {
          await expectRejectedLocally(() => promiseMethod(resource, name)(...args, { signal }))
        }
      }
    },
    timeout,
  )

  // B2: when the options carry `signal` or `idempotencyKey`, Bind.splitKeys copies the rest with
  // `rest[key] = value`; an own `__proto__` key then sets the copy's prototype instead of being copied,
  // so the unknown-option check never sees it and the call is SENT. Without a per-call key the same
  // options are refused (`options.__proto__ is not an option`), so the outcome depends on an unrelated key.
  it(
    "B2: an own `__proto__` option is refused even next to idempotencyKey",
    async () => {
      const options = JSON.parse('{"idempotencyKey":"idem-key-0001","__proto__":{"bogus":1}}') as object
      await expectRejectedLocally(() => (client.vocabularies.get as Loose)("SNOMED", options))
    },
    timeout,
  )

  // B3: list checks (Validate.ts `checkedList` / `conceptIdList`, Search `checkSearches`, Mappings
  // `sourceCodes`, FhirTypes loops) use Array.prototype.map / forEach, which SKIP the holes of a sparse
  // array. A hole is never checked: the body carries `null` where a concept id, search or code was
  // required (the server answers 400 instead of a local ValidationError), and fhir.resolveBatch /
  // resolveCodeableConcept silently DROP the hole, so results no longer line up with the inputs.
  const sparse = <A>(...items: ReadonlyArray<A>): Array<A> => {
    const list = new Array<A>(1) // one hole, then the items
    list.push(...items)
    return list
  }
  const holeCases: ReadonlyArray<readonly [string, () => unknown]> = [
    ["concepts.batch([, 201826])", () => client.concepts.batch(sparse(201826))],
    ["concepts.recommended([, 201826])", () => client.concepts.recommended(sparse(201826))],
    ["search.bulkBasic([, search])", () => client.search.bulkBasic(sparse(...searchesOf(1)))],
    ["search.bulkSemantic([, search])", () => client.search.bulkSemantic(sparse(...searchesOf(1)))],
    [
      "search.advanced relationshipFilters [, filter]",
      () => client.search.advanced("diabetes", { relationshipFilters: sparse({ relationshipId: "Is a" }) }),
    ],
    [
      "mappings.map sourceConcepts [, 201826]",
      () => client.mappings.map({ targetVocabulary: "ICD10CM", sourceConcepts: sparse(201826) }),
    ],
    [
      "mappings.map sourceCodes [, code]",
      () =>
        client.mappings.map({
          targetVocabulary: "ICD10CM",
          sourceCodes: sparse({ vocabularyId: "SNOMED", conceptCode: "44054006" }),
        }),
    ],
    ["fhir.resolveBatch([, coding]) (hole dropped)", () => client.fhir.resolveBatch(sparse(coding))],
    [
      "fhir.resolveCodeableConcept([, coding]) (hole dropped)",
      () => client.fhir.resolveCodeableConcept(sparse(coding)),
    ],
  ]
  for (const [label, call] of holeCases) {
    it(`B3: a sparse list is refused locally: ${label}`, () => expectRejectedLocally(call), timeout)
  }

  // B4: `limit` is an option of `<name>All` only, but Bind.ts splits it off (walkKeys) for Iter and
  // Pages too and then ignores it: `listIter({ limit: 1 })` yields a whole page and `limit: "garbage"`
  // passes, where every other unknown or ill-typed option is a ValidationError.
  it(
    "B4: `limit` on an Iter / Pages walk is refused rather than silently ignored",
    async () => {
      for (const limit of ["garbage", -1, 1]) {
        sandbox.clearRequests()
        let failure: unknown
        try {
          for await (const _ of client.vocabularies.listIter({ limit, maxPages: 1 } as never)) {
            // Drain: the walk must not start at all.
          }
        } catch (error) {
          failure = error
        }
        expect((failure as { readonly _tag?: string } | undefined)?._tag).toBe("ValidationError")
        expect(sandbox.requests()).toEqual([])
      }
    },
    timeout,
  )

  it("B2 control: the same `__proto__` option alone is refused", async () => {
    const options = JSON.parse('{"__proto__":{"bogus":1}}') as object
    await expectRejectedLocally(() => (client.vocabularies.get as Loose)("SNOMED", options))
  })
})
