import { layer, OmopHubClient } from "@omophub/node"
import * as Effect from "effect/Effect"

const conceptName = (id: number) =>
  Effect.gen(function* () {
    const client = yield* OmopHubClient
    const concept = yield* client.concepts.get(id)
    return concept.concept_name
  }).pipe(
    // Handle one error by its tag; the others stay in the type.
    Effect.catchTag("NotFoundError", () => Effect.succeed("(unknown concept)")),
    Effect.catchTags({
      ValidationError: (error) => Effect.succeed(`bad input: ${error.issues.map((i) => i.path).join(", ")}`),
      CredentialsError: (error) =>
        Effect.die(`no API key: ${error.attempts.map((a) => `${a.provider}: ${a.reason}`).join("; ")}`),
    }),
  )

console.log(await Effect.runPromise(conceptName(201826).pipe(Effect.provide(layer()))))
