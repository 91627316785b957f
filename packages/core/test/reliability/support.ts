// Shared helpers for the reliability suite: the four request kinds every fault is tried against, and
// the leak checks of the secret-hygiene tests.
import { inspect } from "node:util"
import type { FaultSpec, Sandbox } from "@omophub/sandbox"
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import { expect } from "vitest"
import { type ClientOptions, Concepts, makeOperation } from "../../src/index.ts"
import { runWithClient, runWithPipeline } from "../pipeline/support.ts"

export type { FaultSpec }

/** `concepts.batch` as an operation that is NOT safe to replay (no such endpoint exists; test-only). */
export const unsafeBatch = makeOperation({ ...Concepts.batch, name: "batchUnsafe", safeToReplay: false })

/** How a request is sent: a GET, a POST safe to replay, an unsafe POST, and one with an Idempotency-Key. */
export type Variant = "get" | "postSafe" | "postUnsafe" | "postIdempotent"
export const variants: ReadonlyArray<Variant> = ["get", "postSafe", "postUnsafe", "postIdempotent"]
export const idempotencyKey = "matrix-idem-0001"
export const conceptId = 201826

/** The sandbox route each variant hits (for fault `match`). */
export const routeOf = (variant: Variant): string =>
  variant === "get" ? "GET /v1/concepts/:id" : "POST /v1/concepts/batch"

/** Runs one call of `variant` with a fresh Effect client; returns its Exit. */
export const runVariant = (
  variant: Variant,
  options: ClientOptions,
): Promise<Exit.Exit<unknown, unknown>> => {
  switch (variant) {
    case "get":
      // Batching off: a lone concepts.get is sent as GET either way, but this pins it.
      return runWithClient({ ...options, batching: false }, (client) => client.concepts.get(conceptId))
    case "postSafe":
      return runWithClient(options, (client) => client.concepts.batch([conceptId]))
    case "postUnsafe":
      return runWithPipeline(options, (pipeline) =>
        pipeline.execute(unsafeBatch, { conceptIds: [conceptId] }),
      )
    case "postIdempotent":
      return runWithPipeline(options, (pipeline) =>
        pipeline.execute(unsafeBatch, { conceptIds: [conceptId] }, { idempotencyKey }),
      )
  }
}

/** The typed failure of an Exit, or `undefined` when it succeeded; throws on a defect. */
export const typedFailure = (exit: Exit.Exit<unknown, unknown>): unknown => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (failure === undefined || failure._tag !== "Fail") {
    throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  }
  return failure.error
}

/** Every printed form of an error a leak could hide in. */
export const renderError = (error: unknown, cause?: Cause.Cause<unknown>): ReadonlyArray<string> => {
  const e = error as Error & { cause?: unknown }
  return [
    e.message ?? "",
    String(error),
    String(e.cause),
    e.stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    Cause.pretty(cause ?? Cause.fail(error)),
  ]
}

/** Fails when any 7-character piece of `secret`, or `Bearer` followed by it, occurs in `texts`. */
export const expectNoSecret = (secret: string, texts: ReadonlyArray<string>) => {
  const text = texts.join("\n")
  expect(text).not.toContain(`Bearer ${secret}`)
  for (let i = 0; i + 7 <= secret.length; i++) {
    const piece = secret.slice(i, i + 7)
    expect(text.includes(piece), `a text contains ${JSON.stringify(piece)}`).toBe(false)
  }
}

/** Request-log fields that end up in URLs. */
export const loggedUrls = (sandbox: Sandbox): ReadonlyArray<string> =>
  sandbox.requests().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.body}`)
