import { layer, OmopHubClient } from "@omophub/node"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const program = Effect.gen(function* () {
  const client = yield* OmopHubClient
  // A lazy Stream of items; taking 250 fetches only the pages needed for them.
  const first = yield* client.search
    .basicIter("hypertension", { pageSize: 100 })
    .pipe(Stream.take(250), Stream.runCollect)
  return first.length
})

console.log(await Effect.runPromise(program.pipe(Effect.provide(layer()))))
