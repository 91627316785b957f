import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Env } from "../src/CoreContracts.ts"
import { EnvLive } from "../src/index.ts"
import { assert, assertEquals } from "./assert.ts"
import { probe } from "./probe.ts"

const read = (name: string) =>
  Effect.runPromise(Effect.flip(Env.use((env) => env.get(name))).pipe(Effect.provide(EnvLive)))
const get = (name: string) => Effect.runPromise(Env.use((env) => env.get(name)).pipe(Effect.provide(EnvLive)))

Deno.test("EnvLive reads OMOPHUB_ variables at call time; empty is unset", async () => {
  const name = "OMOPHUB_DENO_ENV_TEST"
  try {
    assertEquals(await get(name), Option.none())
    Deno.env.set(name, "value-1")
    assertEquals(await get(name), Option.some("value-1"))
    Deno.env.set(name, "")
    assertEquals(await get(name), Option.none())
  } finally {
    Deno.env.delete(name)
  }
})

Deno.test("EnvLive refuses variables outside OMOPHUB_ and the location variables", async () => {
  const error = await read("PATH")
  assertEquals(error._tag, "RuntimeUnavailable")
  assert(error.reason.includes("not PATH"), error.reason)
})

Deno.test("without --allow-env the key is RuntimeUnavailable, not a crash", async () => {
  const outcome = await probe([], ["env", "OMOPHUB_API_KEY"], { env: { OMOPHUB_API_KEY: "oh_test_key" } })
  assertEquals(outcome.error, "RuntimeUnavailable")
  assert(outcome.reason?.includes("--allow-env=OMOPHUB_API_KEY") === true, String(outcome.reason))
})

Deno.test("--allow-env for just that variable is enough", async () => {
  const outcome = await probe(["--allow-env=OMOPHUB_API_KEY"], ["env", "OMOPHUB_API_KEY"], {
    env: { OMOPHUB_API_KEY: "oh_test_key" },
  })
  assertEquals(outcome, { value: { some: "oh_test_key" } })
})
