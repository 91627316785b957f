/**
 * Per-call overhead in one runtime: sequential `concepts.get(id)` and `search.basic(query)` through
 * the SDK against `fetch` of the very URL with the very headers the SDK sent (captured from its own
 * first request), plus reading the JSON body. Rounds interleave the two (SDK first in even rounds,
 * raw first in odd ones) so machine noise falls on both alike.
 */
import { emit, loadSdk, readConfig, runtime, runtimeVersion } from "./common.ts"

interface Config {
  readonly url: string
  readonly key: string
  readonly conceptId: number
  readonly query: string
  readonly rounds: number
  readonly perRound: number
  readonly warmUp: number
}

const config = readConfig<Config>()
const { createClient } = await loadSdk()

/** The URL and headers of every request a client sends through this fetch. */
const captured: Array<{ url: string; headers: Record<string, string> }> = []
const capturingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  captured.push({ url: request.url, headers })
  return fetch(request)
}

const captureClient = createClient({
  apiKey: config.key,
  baseUrl: config.url,
  rateLimitState: "isolated",
  fetch: capturingFetch,
})
await captureClient.concepts.get(config.conceptId)
await captureClient.search.basic(config.query)
await captureClient.close()
const [getRequest, searchRequest] = captured
if (getRequest === undefined || searchRequest === undefined) throw new Error("the SDK sent no request")

const client = createClient({ apiKey: config.key, baseUrl: config.url, rateLimitState: "isolated" })

const rawCall = (request: { url: string; headers: Record<string, string> }) => async () => {
  const response = await fetch(request.url, { headers: request.headers })
  if (!response.ok) throw new Error(`raw fetch: status ${response.status}`)
  await response.json()
}

interface Pair {
  readonly name: string
  readonly sdk: () => Promise<unknown>
  readonly raw: () => Promise<void>
}
const pairs: ReadonlyArray<Pair> = [
  {
    name: "concepts.get",
    sdk: async () => {
      const concept = await client.concepts.get(config.conceptId)
      if (concept.concept_id !== config.conceptId) throw new Error("sdk: wrong concept")
    },
    raw: rawCall(getRequest),
  },
  { name: "search.basic", sdk: () => client.search.basic(config.query), raw: rawCall(searchRequest) },
]

const timed = async (f: () => Promise<unknown>, n: number, into: Array<number>) => {
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    await f()
    into.push(performance.now() - started)
  }
}

for (const pair of pairs) {
  const ignored: Array<number> = []
  await timed(pair.sdk, config.warmUp, ignored)
  await timed(pair.raw, config.warmUp, ignored)
}

const samples = new Map(pairs.map((pair) => [pair.name, { sdk: [] as number[], raw: [] as number[] }]))
for (let round = 0; round < config.rounds; round++) {
  for (const pair of pairs) {
    const sdk: number[] = []
    const raw: number[] = []
    if (round % 2 === 0) {
      await timed(pair.sdk, config.perRound, sdk)
      await timed(pair.raw, config.perRound, raw)
    } else {
      await timed(pair.raw, config.perRound, raw)
      await timed(pair.sdk, config.perRound, sdk)
    }
    const entry = samples.get(pair.name)!
    entry.sdk.push(...sdk)
    entry.raw.push(...raw)
  }
}
await client.close()

emit({
  runtime,
  runtimeVersion: runtimeVersion(),
  urls: {
    "concepts.get": new URL(getRequest.url).pathname,
    "search.basic": new URL(searchRequest.url).pathname + new URL(searchRequest.url).search,
  },
  // Per pair, `sdk` and `raw` hold the rounds one after another, `perRound` samples each.
  samples: Object.fromEntries(samples),
})
