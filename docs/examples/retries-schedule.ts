import { layer, OmopHubClient, type OmopHubError } from "@omophub/node"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

// The SDK's own retries first (full jitter, Retry-After honoured), within a 10 s budget per call.
const ClientLive = layer({ maxRetries: 2, timeoutMs: 10_000 })

// Then, for a longer outage, the application's schedule around a whole step: exponential from
// 1 s with jitter, at most 4 more tries, only for failures marked retryable.
const afterTheSdkGaveUp = Schedule.exponential("1 second").pipe(
  Schedule.jittered,
  Schedule.upTo({ times: 4 }),
  Schedule.setInputType<OmopHubError>(),
)

const step = Effect.gen(function* () {
  const client = yield* OmopHubClient
  return yield* client.search.basic("aspirin", { pageSize: 10 })
}).pipe(Effect.retry({ schedule: afterTheSdkGaveUp, while: (error) => error.retryable }))

const found = await Effect.runPromise(step.pipe(Effect.provide(ClientLive)))
console.log(found.concepts.length)
