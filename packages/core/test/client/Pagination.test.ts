// Generated page walkers (<name>Iter / <name>Pages / <name>All) over real HTTP against the sandbox
// serving the Synthea subset; pages without meta and misbehaving servers are scripted with faults.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createClient, type OMOPHub, PaginationError, ValidationError } from "../../src/index.ts"
import {
  failureOf,
  pageWithMeta,
  pageWithoutMeta,
  runWithClient,
  syntheaVocab,
  waitUntil,
} from "./support.ts"

const apiKey = "oh_pagination_key_01"
const searchRoute = "GET /v1/search/concepts"
let sandbox: Sandbox
let client: OMOPHub

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", maxRetries: 0 })
})
afterAll(async () => {
  await client.close()
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

const searches = () => sandbox.requests().filter((r) => r.path === "/v1/search/concepts")

describe("walking to the end", () => {
  it("basicAll collects every item: counts match total_items, one request per page, stop on has_next false", async () => {
    const result = await client.search.basicAll("fracture", { pageSize: 3 })
    expect(result.totalItems).toBeGreaterThanOrEqual(7)
    expect(result.complete).toBe(true)
    expect(result.stoppedBy).toBe("end")
    expect(result.items).toHaveLength(result.totalItems!)
    expect(new Set(result.items.map((c) => c.concept_id)).size).toBe(result.totalItems)
    expect(result.pagesFetched).toBe(Math.ceil(result.totalItems! / 3))
    expect(searches().map((r) => r.query.page)).toEqual(
      Array.from({ length: result.pagesFetched }, (_, i) => String(i + 1)),
    )
    expect(searches().every((r) => r.query.page_size === "3" && r.query.query === "fracture")).toBe(true)
  })

  it("the Effect streams give the same items and pages, starting at the caller's page", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      Effect.all([
        Stream.runCollect(c.search.basicIter("fracture", { pageSize: 3 })),
        Stream.runCollect(c.search.basicPages("fracture", { pageSize: 3, page: 2 })),
        c.search.basicAll("fracture", { pageSize: 3 }),
      ]),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    const [items, pagesFrom2, all] = exit.value
    expect(items.map((c) => c.concept_id)).toEqual(all.items.map((c) => c.concept_id))
    expect(pagesFrom2[0]!.pagination?.page).toBe(2)
    expect(pagesFrom2.flatMap((p) => p.concepts).map((c) => c.concept_id)).toEqual(
      all.items.slice(3).map((c) => c.concept_id),
    )
  })

  it("the streams are lazy: building one sends nothing; taking a few items fetches only their pages", async () => {
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      Effect.gen(function* () {
        const stream = c.search.basicIter("fracture", { pageSize: 2 })
        yield* Effect.sleep(20)
        const before = searches().length
        const firstThree = yield* Stream.runCollect(Stream.take(stream, 3))
        return { before, firstThree }
      }),
    )
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    expect(exit.value.before).toBe(0)
    expect(exit.value.firstThree).toHaveLength(3)
    expect(searches()).toHaveLength(2)
  })

  it("has_next false ends the walk even after a full page", async () => {
    sandbox.control.fault({
      match: searchRoute,
      kind: "status",
      status: 200,
      body: pageWithMeta([1, 2, 3], { page: 1, page_size: 3, has_next: false, total_items: 3 }),
    })
    const result = await client.search.basicAll("anything", { pageSize: 3 })
    expect(result).toMatchObject({ complete: true, pagesFetched: 1, totalItems: 3 })
    expect(searches()).toHaveLength(1)
  })

  it("without pagination meta, stops on a short page", async () => {
    sandbox.control.fault([
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([1, 2, 3]) },
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([4]) },
    ])
    const result = await client.search.basicAll("anything", { pageSize: 3 })
    expect(result.items.map((c) => c.concept_id)).toEqual([1, 2, 3, 4])
    expect(result).toMatchObject({ complete: true, pagesFetched: 2 })
    expect(searches()).toHaveLength(2)
  })

  it("without meta or a page size, the first page's size is the reference and an empty page ends it", async () => {
    sandbox.control.fault([
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([1, 2]) },
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([3, 4]) },
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([]) },
    ])
    const result = await client.search.basicAll("anything")
    expect(result.items.map((c) => c.concept_id)).toEqual([1, 2, 3, 4])
    expect(result.complete).toBe(true)
    expect(searches()).toHaveLength(3)
  })
})

describe("a server that makes no progress", () => {
  it("the same page twice with has_next true fails with PaginationError", async () => {
    const page = pageWithMeta([1, 2], { page: 1, page_size: 2, has_next: true, total_items: 100 })
    sandbox.control.fault({ match: searchRoute, kind: "status", status: 200, body: page, times: 2 })
    const error = await client.search.basicAll("anything", { pageSize: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PaginationError)
    expect(error).toMatchObject({ reason: "no_progress", page: 2, operation: "search.basic" })
    expect(searches()).toHaveLength(2)
  })

  it("an empty page that still says has_next fails with PaginationError", async () => {
    sandbox.control.fault({
      match: searchRoute,
      kind: "status",
      status: 200,
      body: pageWithMeta([], { page: 1, page_size: 2, has_next: true }),
    })
    const seen: Array<number> = []
    const error = await (async () => {
      for await (const concept of client.search.basicIter("anything", { pageSize: 2 }))
        seen.push(concept.concept_id)
    })().catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "PaginationError", reason: "no_progress" })
    expect(seen).toEqual([])
  })
})

describe("caps and limits", () => {
  it("maxPages: All is marked incomplete; the stream fails after emitting the pages it fetched", async () => {
    const all = await client.search.basicAll("fracture", { pageSize: 2, maxPages: 2 })
    expect(all).toMatchObject({ complete: false, stoppedBy: "max_pages", pagesFetched: 2 })
    expect(all.items).toHaveLength(4)
    expect(searches()).toHaveLength(2)

    sandbox.control.clearRequests()
    const pages: Array<number> = []
    const exit = await runWithClient({ apiKey, baseUrl: sandbox.url }, (c) =>
      Stream.runForEach(c.search.basicPages("fracture", { pageSize: 2, maxPages: 2 }), (page) =>
        Effect.sync(() => pages.push(page.concepts.length)),
      ),
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "PaginationError", reason: "max_pages", pagesFetched: 2 })
    expect(pages).toEqual([2, 2])
    expect(searches()).toHaveLength(2)
  })

  it("a limit that cuts the list gives complete: false; a limit above the total gives complete: true", async () => {
    const cut = await client.search.basicAll("fracture", { pageSize: 3, limit: 4 })
    expect(cut).toMatchObject({ complete: false, stoppedBy: "limit", pagesFetched: 2 })
    expect(cut.items).toHaveLength(4)
    const whole = await client.search.basicAll("fracture", { pageSize: 3, limit: 1000 })
    expect(whole.complete).toBe(true)
    expect(cut.items).toEqual(whole.items.slice(0, 4))
  })

  it("bad walk options are a ValidationError before any request", async () => {
    const error = await client.search.basicAll("fracture", { maxPages: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues[0]!.path).toBe("options.maxPages")
    const limitError = await client.search.basicAll("fracture", { limit: 1.5 }).catch((e: unknown) => e)
    expect(limitError).toBeInstanceOf(ValidationError)
    expect(sandbox.requests()).toHaveLength(0)
  })
})

describe("Promise async iterables", () => {
  it("break stops fetching", async () => {
    const seen: Array<number> = []
    for await (const concept of client.search.basicIter("fracture", { pageSize: 2 })) {
      seen.push(concept.concept_id)
      if (seen.length === 3) break
    }
    expect(seen).toHaveLength(3)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(searches()).toHaveLength(2)
  })

  it("abort rejects the pending page with the signal's reason and fetches nothing more", async () => {
    const controller = new AbortController()
    sandbox.control.fault({ match: searchRoute, kind: "pass", delayMs: 300 })
    const pages = client.search.basicPages("fracture", { pageSize: 2, signal: controller.signal })
    const walking = (async () => {
      for await (const _ of pages) {
        // nothing
      }
    })()
    await waitUntil(() => searches().length === 1)
    controller.abort()
    const error = await walking.catch((e: unknown) => e)
    expect((error as Error).name).toBe("AbortError")
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(searches()).toHaveLength(1)
  })
})
