import { afterEach, expect, test } from "bun:test"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Env } from "../src/CoreContracts.ts"
import { EnvLive, envFromRecord } from "../src/index.ts"

const name = "OMOPHUB_BUN_ENV_TEST"
const bunEnv = (globalThis as unknown as { Bun: { env: Record<string, string | undefined> } }).Bun.env
const read = (layer = EnvLive) =>
  Effect.runPromise(Env.use((env) => env.get(name)).pipe(Effect.provide(layer)))

afterEach(() => {
  delete bunEnv[name]
})

test("EnvLive reads Bun.env at call time; empty is unset", async () => {
  expect(await read()).toEqual(Option.none())
  bunEnv[name] = "value-1"
  expect(await read()).toEqual(Option.some("value-1"))
  bunEnv[name] = ""
  expect(await read()).toEqual(Option.none())
})

test("envFromRecord ignores Bun.env", async () => {
  bunEnv[name] = "from-bun"
  expect(await read(envFromRecord({ [name]: "from-record" }))).toEqual(Option.some("from-record"))
})
