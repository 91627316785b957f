// `pageItemsIterator` (the Promise client's `<name>Iter`): one page held, the next fetched only when
// the current one is used up, concurrent `next()` calls served in order, the walk ended by a
// failure, `break` or `return()`. Unit tests drive it with a scripted page function (fetches counted
// and gated by hand); the rest runs `search.basicIter` over real HTTP against the sandbox serving the
// Synthea subset and counts requests in its log. No timing assertions: pending fetches are held by
// gates (unit) or `hang` faults (sandbox) and observed through the log.
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { type Sandbox, start } from "@omophub/sandbox"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { pageItemsIterator } from "../../src/client/Pagination.ts"
import { createClient, type OMOPHub, PaginationError } from "../../src/index.ts"
import { pageWithMeta, pageWithoutMeta, syntheaVocab, waitUntil } from "./support.ts"

// ---------------------------------------------------------------------------------------------------
// Unit level: a scripted page function.

/** V8's `gc()`, made available at run time (the worker is not started with `--expose-gc`). */
const gcFunction = (): (() => void) => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
}

interface Gate {
  readonly opened: Promise<void>
  readonly open: () => void
}

const gate = (): Gate => {
  let open: () => void = () => undefined
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/**
 * A page function over `pages` (an `Error` entry makes that fetch fail; past the end it answers
 * `undefined`, the last page). It counts calls and overlapping calls; with `gated`, each fetch waits
 * until the test opens its gate (`gates[i]` for call `i`).
 */
const scripted = <Item>(pages: ReadonlyArray<ReadonlyArray<Item> | Error>, gated = false) => {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 }
  const gates: Array<Gate> = []
  const fetchPage = async (): Promise<ReadonlyArray<Item> | undefined> => {
    const call = stats.calls++
    stats.inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
    try {
      if (gated) {
        const g = gate()
        gates[call] = g
        await g.opened
      } else {
        // Yield at least once, so that overlapping fetches would show in `maxInFlight`.
        await Promise.resolve()
      }
      const page = pages[call]
      if (page instanceof Error) throw page
      return page
    } finally {
      stats.inFlight--
    }
  }
  return { fetchPage, stats, gates }
}

/** Lets queued promise reactions run (a few macrotask-free turns; no clock involved). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

const drain = async <Item>(iterator: AsyncIterator<Item, undefined>): Promise<Array<Item>> => {
  const items: Array<Item> = []
  for (;;) {
    const result = await iterator.next()
    if (result.done === true) return items
    items.push(result.value)
  }
}

describe("pageItemsIterator (scripted pages)", () => {
  it("gives every item in order across pages, skipping an empty page, then done without another fetch", async () => {
    const { fetchPage, stats } = scripted([[1, 2, 3], [4], [], [5, 6]])
    const iterator = pageItemsIterator(fetchPage)
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator)
    expect(await drain(iterator)).toEqual([1, 2, 3, 4, 5, 6])
    // Four pages and the `undefined` that ends the walk.
    expect(stats.calls).toBe(5)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(stats.calls).toBe(5)
    expect(stats.maxInFlight).toBe(1)
  })

  it("fetches nothing until asked, and the next page only once the current one is used up", async () => {
    const { fetchPage, stats } = scripted([
      ["a", "b", "c"],
      ["d", "e", "f"],
      ["g", "h"],
    ])
    const iterator = pageItemsIterator(fetchPage)
    await flush()
    expect(stats.calls).toBe(0)
    const fetchesAfterEach: Array<number> = []
    const seen: Array<string> = []
    for (;;) {
      const result = await iterator.next()
      await flush()
      fetchesAfterEach.push(stats.calls)
      if (result.done === true) break
      seen.push(result.value)
    }
    expect(seen).toEqual(["a", "b", "c", "d", "e", "f", "g", "h"])
    // Item 1 needs page 1, item 4 page 2, item 7 page 3; the ninth call asks for (and finds) no more.
    expect(fetchesAfterEach).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 4])
  })

  it("drops the used-up page before fetching the next one (it can be collected while the fetch is pending)", async () => {
    const collect = gcFunction()
    let firstPage: WeakRef<object> | undefined
    const gates: Array<Gate> = []
    let calls = 0
    const iterator = pageItemsIterator(async () => {
      const call = calls++
      if (call === 0) {
        // Built here and handed over: the iterator holds the only reference.
        const page = [{ id: 1 }, { id: 2 }]
        firstPage = new WeakRef(page)
        return page
      }
      const g = gate()
      gates[call] = g
      await g.opened
      return call === 1 ? [{ id: 3 }] : undefined
    })
    expect((await iterator.next()).done).toBe(false)
    expect((await iterator.next()).done).toBe(false)
    // Page 1 is used up: this call fetches page 2 (held at its gate).
    const pending = iterator.next()
    await waitUntil(() => gates[1] !== undefined)
    // Outside the job that made the WeakRef, a full collection clears it if nothing holds the page.
    await new Promise((resolve) => setImmediate(resolve))
    collect()
    expect(firstPage!.deref()).toBeUndefined()
    gates[1]!.open()
    expect(await pending).toEqual({ done: false, value: { id: 3 } })
    await iterator.return!()
  })

  it("7 concurrent next() calls made while the first page is pending resolve in order, one fetch at a time", async () => {
    const { fetchPage, stats, gates } = scripted([[1, 2], [3, 4, 5], [6], [7, 8, 9]], true)
    const iterator = pageItemsIterator(fetchPage)
    const settledOrder: Array<number> = []
    const calls = Array.from({ length: 7 }, (_, i) =>
      iterator.next().then((result) => {
        settledOrder.push(i)
        return result
      }),
    )
    // Only the first fetch is started; the others wait behind it.
    await flush()
    expect(stats.calls).toBe(1)
    for (let page = 0; page < 4; page++) {
      await waitUntil(() => gates[page] !== undefined)
      expect(stats.calls).toBe(page + 1)
      gates[page]!.open()
    }
    const results = await Promise.all(calls)
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7].map((value) => ({ done: false, value })))
    expect(settledOrder).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(stats.calls).toBe(4)
    expect(stats.maxInFlight).toBe(1)
    // The rest of the held page comes next, without a fetch.
    expect(await iterator.next()).toEqual({ done: false, value: 8 })
    expect(await iterator.next()).toEqual({ done: false, value: 9 })
    expect(stats.calls).toBe(4)
  })

  it("concurrent calls that run past the end get the last items, then done", async () => {
    const { fetchPage, stats } = scripted([[1, 2], [3]])
    const iterator = pageItemsIterator(fetchPage)
    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()))
    expect(results).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: true, value: undefined },
      { done: true, value: undefined },
      { done: true, value: undefined },
      { done: true, value: undefined },
    ])
    expect(stats.calls).toBe(3)
  })

  it("a failing page rejects one next() with its error and ends the walk: later calls are done, nothing is refetched", async () => {
    const failure = new Error("page 2 failed")
    const { fetchPage, stats } = scripted([[1, 2], failure, [3, 4]])
    const iterator = pageItemsIterator(fetchPage)
    expect(await iterator.next()).toEqual({ done: false, value: 1 })
    expect(await iterator.next()).toEqual({ done: false, value: 2 })
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => iterator.next()))
    expect(outcomes[0]).toEqual({ status: "rejected", reason: failure })
    expect(outcomes.slice(1)).toEqual(
      Array.from({ length: 3 }, () => ({ status: "fulfilled", value: { done: true, value: undefined } })),
    )
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(stats.calls).toBe(2)
  })

  it("a failure on the first page rejects the first of several queued calls only", async () => {
    const failure = new Error("first page failed")
    const { fetchPage, stats } = scripted([failure])
    const iterator = pageItemsIterator(fetchPage)
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => iterator.next()))
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "fulfilled", "fulfilled"])
    expect(outcomes[0]).toMatchObject({ reason: failure })
    expect(stats.calls).toBe(1)
  })

  it("break in for-await stops fetching; return() is idempotent and next() after it is done", async () => {
    const { fetchPage, stats } = scripted([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    const iterator = pageItemsIterator(fetchPage)
    const seen: Array<number> = []
    for await (const item of iterator) {
      seen.push(item)
      if (item === 3) break
    }
    expect(seen).toEqual([1, 2, 3])
    expect(stats.calls).toBe(2)
    // `break` called return(): item 4, still in the page held, is dropped.
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await flush()
    expect(stats.calls).toBe(2)
  })

  it("return() before the first next() fetches nothing", async () => {
    const { fetchPage, stats } = scripted([[1]])
    const iterator = pageItemsIterator(fetchPage)
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(stats.calls).toBe(0)
  })

  it("return() while a page is being fetched: the pending next() is done and nothing more is fetched", async () => {
    const { fetchPage, stats, gates } = scripted([[1, 2], [3]], true)
    const iterator = pageItemsIterator(fetchPage)
    const pending = iterator.next()
    const queued = iterator.next()
    await waitUntil(() => gates[0] !== undefined)
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    gates[0]!.open()
    expect(await pending).toEqual({ done: true, value: undefined })
    expect(await queued).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await flush()
    expect(stats.calls).toBe(1)
  })
})

// ---------------------------------------------------------------------------------------------------
// Over real HTTP: `client.search.basicIter` against the sandbox.

const apiKey = "oh_page_items_iter_key_01"
const searchPath = "/v1/search/concepts"
const searchRoute = `GET ${searchPath}`
let sandbox: Sandbox
let client: OMOPHub
/** All "fracture" concept ids in the server's order (collected once, unpaged by the test). */
let fractureIds: ReadonlyArray<number>

const searches = () => sandbox.requests().filter((r) => r.path === searchPath)

/**
 * Sends a request of its own and waits for its answer: any search the iterator had sent before it
 * is logged ahead of it, so counting searches afterwards needs no sleep.
 */
const sentinel = async (): Promise<void> => {
  const response = await fetch(`${sandbox.url}/concepts/0`, {
    headers: { Authorization: `Bearer ${apiKey}` },
  })
  await response.body?.cancel()
  const log = sandbox.requests()
  expect(log[log.length - 1]!.path).toBe("/v1/concepts/0")
}

beforeAll(async () => {
  sandbox = await start({ keys: [apiKey], vocab: syntheaVocab })
  client = createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", maxRetries: 0 })
  const all = await client.search.basicAll("fracture", { pageSize: 3 })
  expect(all.complete).toBe(true)
  fractureIds = all.items.map((c) => c.concept_id)
  // Enough for the concurrency test to span at least three pages of 3.
  expect(fractureIds.length).toBeGreaterThanOrEqual(8)
})
afterAll(async () => {
  await client.close()
  await sandbox.close()
})
beforeEach(() => sandbox.control.reset())

describe("search.basicIter over the sandbox", () => {
  it("gives the items in order across pages and sends one request per page, only as the consumer advances", async () => {
    const iterable = client.search.basicIter("fracture", { pageSize: 3 })
    const iterator = iterable[Symbol.asyncIterator]()
    await sentinel()
    expect(searches()).toHaveLength(0)
    const seen: Array<number> = []
    const requestsAfterEach: Array<number> = []
    for (;;) {
      const result = await iterator.next()
      requestsAfterEach.push(searches().length)
      if (result.done === true) break
      seen.push(result.value.concept_id)
    }
    expect(seen).toEqual(fractureIds)
    const pages = Math.ceil(fractureIds.length / 3)
    // Item i (0-based) needs page floor(i / 3) + 1; the final done asks for nothing new.
    expect(requestsAfterEach).toEqual([...fractureIds.map((_, i) => Math.floor(i / 3) + 1), pages])
    expect(searches().map((r) => r.query.page)).toEqual(
      Array.from({ length: pages }, (_, i) => String(i + 1)),
    )
    await sentinel()
    expect(searches()).toHaveLength(pages)
  })

  it("7 concurrent next() calls resolve in order without duplicate or skipped items, fetching 3 pages of 3", async () => {
    const iterator = client.search.basicIter("fracture", { pageSize: 3 })[Symbol.asyncIterator]()
    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()))
    expect(results.every((r) => r.done === false)).toBe(true)
    const ids = results.map((r) => (r.done === false ? r.value.concept_id : -1))
    expect(ids).toEqual(fractureIds.slice(0, 7))
    expect(new Set(ids).size).toBe(7)
    expect(searches().map((r) => r.query.page)).toEqual(["1", "2", "3"])
    // The eighth item is in the page held: no request for it.
    const eighth = await iterator.next()
    expect(eighth).toEqual({ done: false, value: expect.objectContaining({ concept_id: fractureIds[7] }) })
    await iterator.return!()
    await sentinel()
    expect(searches()).toHaveLength(3)
  })

  it("break in for-await stops fetching; return() afterwards is idempotent", async () => {
    const iterator = client.search.basicIter("fracture", { pageSize: 2 })[Symbol.asyncIterator]()
    const iterable = { [Symbol.asyncIterator]: () => iterator }
    const seen: Array<number> = []
    for await (const concept of iterable) {
      seen.push(concept.concept_id)
      if (seen.length === 3) break
    }
    expect(seen).toEqual(fractureIds.slice(0, 3))
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    expect(await iterator.return!()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches().map((r) => r.query.page)).toEqual(["1", "2"])
  })

  it("a failing page rejects once with the typed error and ends the walk", async () => {
    sandbox.control.fault([
      { match: searchRoute, kind: "pass" },
      { match: searchRoute, kind: "status", status: 500 },
    ])
    const iterator = client.search.basicIter("fracture", { pageSize: 3 })[Symbol.asyncIterator]()
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => iterator.next()))
    expect(
      outcomes
        .slice(0, 3)
        .map((o) => (o.status === "fulfilled" && o.value.done === false ? o.value.value.concept_id : -1)),
    ).toEqual(fractureIds.slice(0, 3))
    expect(outcomes[3]!.status).toBe("rejected")
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ _tag: "ServerError" })
    expect(outcomes.slice(4)).toEqual([
      { status: "fulfilled", value: { done: true, value: undefined } },
      { status: "fulfilled", value: { done: true, value: undefined } },
    ])
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches()).toHaveLength(2)
  })

  it("a server repeating a page (same items, a new page number) is a PaginationError after the first page's items", async () => {
    sandbox.control.fault([
      {
        match: searchRoute,
        kind: "status",
        status: 200,
        body: pageWithMeta([11, 12], { page: 1, page_size: 2, has_next: true }),
      },
      {
        match: searchRoute,
        kind: "status",
        status: 200,
        body: pageWithMeta([11, 12], { page: 2, page_size: 2, has_next: true }),
      },
    ])
    const iterator = client.search.basicIter("anything", { pageSize: 2 })[Symbol.asyncIterator]()
    expect(await iterator.next()).toMatchObject({ done: false, value: { concept_id: 11 } })
    expect(await iterator.next()).toMatchObject({ done: false, value: { concept_id: 12 } })
    const error = await iterator.next().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PaginationError)
    expect(error).toMatchObject({
      reason: "no_progress",
      page: 2,
      operation: "search.basic",
      pagesFetched: 2,
    })
    expect((error as PaginationError).message).toContain("same items")
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches()).toHaveLength(2)
  })

  it("without pagination meta, a full page served twice is caught by the items alone", async () => {
    sandbox.control.fault({
      match: searchRoute,
      kind: "status",
      status: 200,
      body: pageWithoutMeta([21, 22]),
      times: 2,
    })
    const seen: Array<number> = []
    const error = await (async () => {
      for await (const concept of client.search.basicIter("anything", { pageSize: 2 }))
        seen.push(concept.concept_id)
    })().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(seen).toEqual([21, 22])
    expect(error).toBeInstanceOf(PaginationError)
    expect(error).toMatchObject({ reason: "no_progress", page: 2 })
    await sentinel()
    expect(searches()).toHaveLength(2)
  })

  it("the same items under a different order are progress, not a repeat", async () => {
    sandbox.control.fault([
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([31, 32]) },
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([32, 31]) },
      { match: searchRoute, kind: "status", status: 200, body: pageWithoutMeta([33]) },
    ])
    const seen: Array<number> = []
    for await (const concept of client.search.basicIter("anything", { pageSize: 2 }))
      seen.push(concept.concept_id)
    expect(seen).toEqual([31, 32, 32, 31, 33])
    expect(searches()).toHaveLength(3)
  })

  it("an abort before the first next() rejects with signal.reason and sends nothing", async () => {
    const controller = new AbortController()
    const reason = new Error("caller gave up")
    controller.abort(reason)
    const iterator = client.search
      .basicIter("fracture", { pageSize: 3, signal: controller.signal })
      [Symbol.asyncIterator]()
    await expect(iterator.next()).rejects.toBe(reason)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches()).toHaveLength(0)
  })

  it("an abort between pages: the items held are still served, the next fetch rejects with signal.reason", async () => {
    const controller = new AbortController()
    const reason = new Error("stop between pages")
    const iterator = client.search
      .basicIter("fracture", { pageSize: 3, signal: controller.signal })
      [Symbol.asyncIterator]()
    expect(await iterator.next()).toMatchObject({ done: false, value: { concept_id: fractureIds[0] } })
    controller.abort(reason)
    // Items 2 and 3 are in the page already held.
    expect(await iterator.next()).toMatchObject({ done: false, value: { concept_id: fractureIds[1] } })
    expect(await iterator.next()).toMatchObject({ done: false, value: { concept_id: fractureIds[2] } })
    await expect(iterator.next()).rejects.toBe(reason)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches()).toHaveLength(1)
  })

  it("an abort while a page request hangs rejects the pending next() with signal.reason; queued calls are done", async () => {
    const controller = new AbortController()
    const reason = new Error("stop while waiting")
    sandbox.control.fault([
      { match: searchRoute, kind: "pass" },
      { match: searchRoute, kind: "hang" },
    ])
    const iterator = client.search
      .basicIter("fracture", { pageSize: 3, signal: controller.signal })
      [Symbol.asyncIterator]()
    for (let i = 0; i < 3; i++) await iterator.next()
    const pending = iterator.next()
    const queued = iterator.next()
    await waitUntil(() => searches().length === 2)
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(await queued).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await sentinel()
    expect(searches()).toHaveLength(2)
  })
})
