/**
 * OMOPHub from Effect: the client built from layers, the SDK's retries tuned plus an application
 * retry schedule on top, every span printed by a console tracer, and concurrent `concepts.get`
 * calls that the SDK sends as one `POST /concepts/batch`.
 *
 *   node src/main.ts                 # against a local sandbox it starts itself (with scripted 503s)
 *   node src/main.ts --vocab DIR     # the sandbox over an Athena vocabulary download
 *   node src/main.ts --no-faults     # the sandbox without the scripted 503s
 *   OMOPHUB_API_URL=... OMOPHUB_API_KEY=... node src/main.ts   # against the real API, unchanged
 *
 * Exit codes: 0 done, 1 an error (printed as one line with a hint), 2 a usage error.
 */
import { type Concept, layer, OmopHubClient, type OmopHubError } from "@omophub/node"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { parseFlags, report, usage } from "./cli.ts"
import { type Connection, connect } from "./connection.ts"
import { ConsoleTracerLive, printedSpans } from "./tracing.ts"

const flags = parseFlags(process.argv.slice(2))
if (flags.help) {
  console.log(usage)
  process.exit(0)
}
let connection: Connection
try {
  connection = await connect({ vocab: flags.vocab, faults: !flags["no-faults"] })
} catch (error) {
  process.exit(report(error))
}
console.log(`Using ${connection.description}`)
for (const fault of connection.faults) console.log(`  scripted fault: ${fault}`)

// Every HTTP request the client sends, seen through the `fetch` it is given.
const sent: Array<{ readonly method: string; readonly path: string; status?: number }> = []
const countingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = input instanceof Request ? input : undefined
  const url = new URL(request?.url ?? String(input))
  const entry: { method: string; path: string; status?: number } = {
    method: init?.method ?? request?.method ?? "GET",
    path: url.pathname,
  }
  sent.push(entry)
  const response = await fetch(input, init)
  entry.status = response.status
  return response
}
const describeSent = (from: number) =>
  sent
    .slice(from)
    .map((r) => `${r.method} ${r.path} -> ${r.status ?? "no response"}`)
    .join(", ")

// The client, from layers: @omophub/node's `layer` (Node's runtime services and its default key
// chain) with the SDK's own retries tuned, and the console tracer next to it.
const ClientLive = layer({
  baseUrl: connection.baseUrl,
  apiKey: connection.apiKey,
  fetch: countingFetch,
  maxRetries: 2, // the SDK retries a retryable failure twice (full-jitter backoff, Retry-After honoured)
  maxRetryAfterMs: 10_000, // a server asking for a longer wait fails the call at once instead
  timeoutMs: 30_000, // budget of one call, all attempts and waits included
  batching: { windowMs: 5 }, // gather concurrent concepts.get calls for 5 ms into one batch
})
const MainLive = Layer.mergeAll(ClientLive, ConsoleTracerLive)

// The application's own schedule, for when the SDK has given up on a retryable failure (a longer
// outage): exponential from 200 ms, jittered, at most 3 more tries, logged.
const appRetry = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.upTo({ times: 3 }),
  Schedule.setInputType<OmopHubError>(),
  Schedule.tap((step) =>
    Effect.sync(() =>
      console.log(
        `  app schedule: ${step.input._tag} (retryable) after the SDK's retries; try again in ${Duration.toMillis(step.duration).toFixed(0)} ms`,
      ),
    ),
  ),
)

const conceptIds = [201826, 201820, 4329847, 316866, 320128, 1503297, 1112807, 3004410]

const line = (concept: Concept) =>
  `  ${String(concept.concept_id).padStart(9)}  ${concept.vocabulary_id.padEnd(8)} ${concept.concept_name}`

const program = Effect.gen(function* () {
  const client = yield* OmopHubClient

  // 1. Concurrent lookups: eight `concepts.get` calls at once, sent as batch requests.
  console.log(
    `\n1. ${conceptIds.length} concurrent concepts.get calls (Effect.forEach, concurrency unbounded)`,
  )
  const before = sent.length
  const found = yield* Effect.forEach(
    conceptIds,
    (id) =>
      client.concepts.get(id).pipe(
        Effect.map((concept) => ({ id, concept })),
        // A concept missing from this vocabulary release fails only its own call.
        Effect.catchTag("NotFoundError", () => Effect.succeed({ id, concept: undefined })),
      ),
    { concurrency: "unbounded" },
  ).pipe(Effect.withSpan("example.lookups", { attributes: { "example.ids": conceptIds.length } }))
  for (const { id, concept } of found) {
    console.log(
      concept === undefined ? `  ${String(id).padStart(9)}  not in this vocabulary release` : line(concept),
    )
  }
  const batches = sent.slice(before).filter((r) => r.path.endsWith("/concepts/batch")).length
  console.log(
    `  ${conceptIds.length} lookups -> ${sent.length - before} HTTP request(s) ` +
      `(${batches} POST /concepts/batch, retries included): ${describeSent(before)}`,
  )

  // 2. A search under the application's retry schedule, on top of the SDK's own retries.
  console.log(`\n2. search.basic("diabetes") with the app's retry schedule`)
  const searchStart = sent.length
  const hits = yield* client.search
    .basic("diabetes", { pageSize: 3 })
    .pipe(
      Effect.retry({ schedule: appRetry, while: (error) => error.retryable }),
      Effect.withSpan("example.search"),
    )
  console.log(
    `  ${hits.pagination?.total_items ?? hits.concepts.length} matches, first ${hits.concepts.length}:`,
  )
  for (const concept of hits.concepts) console.log(line(concept))
  console.log(`  ${sent.length - searchStart} HTTP request(s): ${describeSent(searchStart)}`)

  // 3. What the key's rate-limit window looks like now, as the SDK learnt it from the headers.
  const rate = yield* client.rateLimit.current
  console.log(
    `\n3. Rate limit: ${rate._tag === "Some" ? `${rate.value.remaining ?? "?"} of ${rate.value.limit ?? "?"} left` : "not reported by this server"}`,
  )
})

try {
  await Effect.runPromise(program.pipe(Effect.withSpan("example"), Effect.provide(MainLive)))
  console.log(`\nHTTP requests in total: ${sent.length}`)
  const leaked =
    connection.secret !== undefined &&
    printedSpans.some((printed) => printed.includes(connection.secret ?? ""))
  console.log(`Spans printed: ${printedSpans.length}; API key in any span: ${leaked ? "YES" : "no"}`)
  if (leaked) process.exitCode = 1
} catch (error) {
  process.exitCode = report(error)
} finally {
  await connection.close()
}
