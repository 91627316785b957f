/**
 * The adapters' conformance scenarios, written once and run unchanged in Node, Deno, Bun and a
 * browser page against the sandbox over real HTTP. Each runtime supplies a context that builds
 * clients the way that runtime's users would (environment variables on servers, a token callback
 * in the browser); the scenarios only use the public Promise API and the sandbox's HTTP control
 * routes. No test-framework imports: see `Assert.ts`.
 *
 * @module
 */
import { check, equal, rejection } from "./Assert.ts"
import type { SandboxControl } from "./SandboxControl.ts"

interface ConceptRow {
  readonly concept_id: number
  readonly concept_name: string
}

interface PageInfo {
  readonly page?: number | undefined
  readonly total_items?: number | undefined
  readonly total_pages?: number | undefined
  readonly has_next?: boolean | undefined
}

interface SearchPage {
  readonly concepts: ReadonlyArray<ConceptRow>
  readonly pagination?: PageInfo | undefined
}

/** The part of an adapter's `OMOPHub` the scenarios use. */
export interface ConformanceClient {
  readonly concepts: {
    readonly get: (conceptId: number, options?: { readonly signal?: AbortSignal }) => Promise<ConceptRow>
  }
  readonly search: {
    readonly basic: (
      query: string,
      options?: { readonly page?: number; readonly pageSize?: number },
    ) => Promise<SearchPage>
  }
  readonly close: () => Promise<void>
}

export interface ConformanceContext {
  /** `node`, `node22`, `deno`, `bun`, `chromium`. */
  readonly runtime: string
  readonly sandbox: SandboxControl
  /** A client configured as the runtime's users would by default (no key in code on servers). */
  readonly client: () => ConformanceClient
  /** A client with this key (on servers the `apiKey` option; in a browser a short-lived token callback). */
  readonly clientWithKey: (apiKey: string) => ConformanceClient
  /** A client whose key comes from `fromCallback(callback)`. */
  readonly clientWithCallback: (callback: () => Promise<string>) => ConformanceClient
}

export interface Scenario {
  readonly name: string
  readonly run: (context: ConformanceContext) => Promise<void>
}

const diabetesId = 201826
const conceptRoute = "GET /v1/concepts/:id"

/** Runs `use` with a client and closes it whatever happens. */
const using = async <A>(client: ConformanceClient, use: (client: ConformanceClient) => Promise<A>) => {
  try {
    return await use(client)
  } finally {
    await client.close()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const randomKey = (label: string) =>
  `oh_conformance_${label}_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`

/** The concept ids `basicIter` yields, if the client has it (items, or pages of items). */
const iterateIfAvailable = async (
  client: ConformanceClient,
  query: string,
  pageSize: number,
): Promise<number[] | undefined> => {
  const iter = (client.search as { basicIter?: unknown }).basicIter
  if (typeof iter !== "function") return undefined
  const ids: number[] = []
  const iterable = iter.call(client.search, query, { pageSize }) as AsyncIterable<unknown>
  for await (const item of iterable) {
    const rows = (item as Partial<SearchPage>).concepts ?? [item as ConceptRow]
    for (const row of rows) ids.push(row.concept_id)
  }
  return ids
}

export const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "gets a concept by id",
    run: (context) =>
      using(context.client(), async (client) => {
        const concept = await client.concepts.get(diabetesId)
        equal(concept.concept_id, diabetesId, "concept_id")
        equal(concept.concept_name, "Type 2 diabetes mellitus", "concept_name")
        const log = await context.sandbox.requests()
        equal(log.length, 1, "requests sent")
        equal(log[0]?.path, `/v1/concepts/${diabetesId}`, "request path")
        equal(log[0]?.headers.authorization, "Bearer [redacted]", "authorization header (as logged)")
      }),
  },
  {
    name: "searches concepts",
    run: (context) =>
      using(context.client(), async (client) => {
        const result = await client.search.basic("diabetes")
        check(result.concepts.length > 0, "the search found nothing")
        check(
          result.concepts.some((concept) => concept.concept_id === diabetesId),
          `the search for "diabetes" did not return ${diabetesId}`,
        )
        equal((await context.sandbox.requests())[0]?.query.query, "diabetes", "query parameter")
      }),
  },
  {
    name: "paginates to the end",
    run: (context) =>
      using(context.client(), async (client) => {
        const pageSize = 2
        const walked: number[] = []
        let total: number | undefined
        for (let page = 1; ; page++) {
          check(page <= 50, "pagination did not end within 50 pages")
          const result = await client.search.basic("diabetes", { page, pageSize })
          const info = result.pagination
          check(info !== undefined, `page ${page} carried no pagination meta`)
          equal(info.page, page, "pagination.page")
          total ??= info.total_items
          walked.push(...result.concepts.map((concept) => concept.concept_id))
          check(result.concepts.length <= pageSize, `page ${page} has more than ${pageSize} rows`)
          if (info.has_next !== true) {
            equal(info.total_pages, page, "total_pages on the last page")
            break
          }
          equal(result.concepts.length, pageSize, `rows on full page ${page}`)
        }
        check(total !== undefined && total > pageSize, "the walk should span several pages")
        equal(walked.length, total, "rows seen in the whole walk")
        equal(new Set(walked).size, walked.length, "distinct rows (no page repeated)")
        const iterated = await iterateIfAvailable(client, "diabetes", pageSize)
        if (iterated !== undefined) equal(iterated, walked, "search.basicIter rows")
      }),
  },
  {
    name: "retries after a 503",
    run: (context) =>
      using(context.client(), async (client) => {
        await context.sandbox.fault({ match: conceptRoute, kind: "status", status: 503, times: 1 })
        const concept = await client.concepts.get(diabetesId)
        equal(concept.concept_id, diabetesId, "concept_id after the retry")
        const log = await context.sandbox.requests()
        equal(
          log.map((entry) => entry.status),
          [503, 200],
          "statuses of the attempts",
        )
        equal(log[0]?.fault, "status", "the first attempt met the scripted fault")
      }),
  },
  {
    name: "waits out a 429 with Retry-After: 1",
    run: (context) =>
      using(context.client(), async (client) => {
        await context.sandbox.fault({ match: conceptRoute, kind: "status", status: 429, retryAfter: 1 })
        const started = Date.now()
        const concept = await client.concepts.get(diabetesId)
        const waited = Date.now() - started
        equal(concept.concept_id, diabetesId, "concept_id after the wait")
        check(waited >= 950, `the retry came after ${waited} ms, before Retry-After (1 s) had passed`)
        check(waited < 10_000, `the call took ${waited} ms`)
        equal(
          (await context.sandbox.requests()).map((entry) => entry.status),
          [429, 200],
          "statuses of the attempts",
        )
      }),
  },
  {
    name: "fails cleanly on a bad key",
    run: async (context) => {
      const badKey = randomKey("bad")
      await using(context.clientWithKey(badKey), async (client) => {
        const error = await rejection(client.concepts.get(diabetesId), "a call with an unknown key")
        check(error instanceof Error, "the rejection is not an Error")
        equal((error as { _tag?: unknown })._tag, "AuthenticationError", "error _tag")
        const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`
        check(!text.includes(badKey.slice(0, 8)), "the error shows the key")
        equal((await context.sandbox.requests()).length, 1, "requests sent (no retry with the same key)")
      })
    },
  },
  {
    name: "rotates a key through the callback provider",
    run: async (context) => {
      const first = randomKey("first")
      const second = randomKey("second")
      await context.sandbox.addKey(first)
      let current = first
      let lookups = 0
      const callback = async () => {
        lookups++
        return current
      }
      await using(context.clientWithCallback(callback), async (client) => {
        equal((await client.concepts.get(diabetesId)).concept_id, diabetesId, "concept_id with the first key")
        await context.sandbox.revokeKey(first)
        await context.sandbox.addKey(second)
        current = second
        equal((await client.concepts.get(diabetesId)).concept_id, diabetesId, "concept_id after rotation")
        equal(lookups, 2, "callback lookups (one per key)")
        equal(
          (await context.sandbox.requests()).map((entry) => entry.status),
          [200, 401, 200],
          "statuses: first key, revoked key, new key",
        )
      })
    },
  },
  {
    name: "aborts a call",
    run: (context) =>
      using(context.client(), async (client) => {
        await context.sandbox.fault({ match: conceptRoute, kind: "hang" })
        const controller = new AbortController()
        const call = client.concepts.get(diabetesId, { signal: controller.signal })
        setTimeout(() => controller.abort(), 150)
        const error = await rejection(call, "an aborted call")
        equal((error as { name?: unknown }).name, "AbortError", "rejection name")
        // Nothing is re-sent after the abort.
        await sleep(200)
        equal((await context.sandbox.requests()).length, 1, "requests sent")
      }),
  },
]
