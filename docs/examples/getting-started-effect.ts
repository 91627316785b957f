import { layer, OmopHubClient } from "@omophub/node"
import * as Effect from "effect/Effect"

const program = Effect.gen(function* () {
  const client = yield* OmopHubClient
  const concept = yield* client.concepts.get(201826)
  const ancestors = yield* client.hierarchy.ancestors(concept.concept_id, { maxLevels: 2 })
  return { concept, ancestors }
})

// Every failure is in the error channel, typed as the OmopHubError union.
const result = await Effect.runPromise(program.pipe(Effect.provide(layer())))
console.log(result.concept.concept_name)
