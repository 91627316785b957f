// Shared helpers for the pipeline tests that run over real HTTP against the sandbox.
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import {
  type ClientOptions,
  OmopHubClient,
  type OmopHubClientShape,
  RequestPipeline,
} from "../../src/index.ts"

/** The repository root, computed from this file so CI clones elsewhere still find `../shared`. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")
export const syntheaVocab = path.resolve(repoRoot, "../shared/vocab/synthea27nj")

/** Runs `use` with an Effect client built from `options`; returns the Exit (failures are data). */
export const runWithClient = <A, E>(
  options: ClientOptions,
  use: (client: OmopHubClientShape) => Effect.Effect<A, E>,
): Promise<Exit.Exit<A, E | unknown>> =>
  Effect.runPromiseExit(
    Effect.flatMap(Effect.service(OmopHubClient), use).pipe(
      Effect.provide(OmopHubClient.layer({ rateLimitState: "isolated", ...options })),
    ),
  )

/** Same with the raw pipeline (for test-only descriptors). */
export const runWithPipeline = <A, E>(
  options: ClientOptions,
  use: (pipeline: RequestPipeline["Service"]) => Effect.Effect<A, E>,
): Promise<Exit.Exit<A, E | unknown>> =>
  Effect.runPromiseExit(
    Effect.flatMap(Effect.service(RequestPipeline), use).pipe(
      Effect.provide(OmopHubClient.layer({ rateLimitState: "isolated", ...options })),
    ),
  )

/** The error of a failed Exit (throws when it succeeded). */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") throw new Error("expected a typed failure")
  return error.error
}

/** Polls `condition` every 5 ms until it holds (or fails after `timeoutMs`). */
export const waitUntil = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not reached in time")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
