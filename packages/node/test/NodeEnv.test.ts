import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterEach, describe, expect, it } from "vitest"
import { Env } from "../src/CoreContracts.ts"
import { EnvLive, envFromRecord } from "../src/index.ts"

const read = (name: string) =>
  Effect.runPromise(Env.use((env) => env.get(name)).pipe(Effect.provide(EnvLive)))

describe("EnvLive (process.env)", () => {
  const name = "OMOPHUB_NODE_ENV_TEST"
  afterEach(() => {
    delete process.env[name]
  })

  it("reads the variable at call time, not when the layer is built", async () => {
    const env = await Effect.runPromise(
      Effect.provide(
        Env.useSync((env) => env),
        EnvLive,
      ),
    )
    process.env[name] = "set-after-build"
    expect(await Effect.runPromise(env.get(name))).toEqual(Option.some("set-after-build"))
    process.env[name] = "changed"
    expect(await Effect.runPromise(env.get(name))).toEqual(Option.some("changed"))
  })

  it("treats unset and empty variables as none", async () => {
    expect(await read(name)).toEqual(Option.none())
    process.env[name] = ""
    expect(await read(name)).toEqual(Option.none())
  })

  it("envFromRecord reads only the given record", async () => {
    process.env[name] = "from-process"
    const fromRecord = Env.use((env) => env.get(name)).pipe(
      Effect.provide(envFromRecord({ [name]: "from-record" })),
    )
    expect(await Effect.runPromise(fromRecord)).toEqual(Option.some("from-record"))
  })
})
