// Key rotation over real HTTP: on `invalid_api_key` (401 or 403) the client invalidates the cached
// key, asks its provider again and replays once if it got another key; it never loops.
import { type Sandbox, start } from "@omophub/sandbox"
import * as Exit from "effect/Exit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AuthenticationError, fromCallback } from "../../src/index.ts"
import { failureOf, runWithClient } from "./support.ts"

const revokedKey = "oh_rotation_revoked_01"
const freshKey = "oh_rotation_fresh_0002"

/** A callback provider that hands out `keys` in turn (the last one repeats), counting its calls. */
const rotatingProvider = (keys: ReadonlyArray<string>) => {
  let calls = 0
  const provider = fromCallback(() => keys[Math.min(calls++, keys.length - 1)])
  return { provider, calls: () => calls }
}

describe.each([401, 403] as const)("key rotation when a rejected key answers %i", (invalidKeyStatus) => {
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await start({ keys: [revokedKey, freshKey], invalidKeyStatus })
    expect(sandbox.control.revokeKey(revokedKey)).toBe(true)
  })
  afterAll(() => sandbox.close())

  it("replays once with the refreshed key", async () => {
    sandbox.clearRequests()
    const { provider, calls } = rotatingProvider([revokedKey, freshKey])
    const exit = await runWithClient({ credentials: provider, baseUrl: sandbox.url }, (client) =>
      client.concepts.get(201826),
    )
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(sandbox.requests().map((r) => r.status)).toEqual([invalidKeyStatus, 200])
    expect(calls()).toBe(2)
  })

  it("fails with the AuthenticationError when the provider gives the same key again", async () => {
    sandbox.clearRequests()
    const { provider, calls } = rotatingProvider([revokedKey])
    const error = failureOf(
      await runWithClient({ credentials: provider, baseUrl: sandbox.url }, (client) =>
        client.concepts.get(201826),
      ),
    )
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toMatchObject({ status: invalidKeyStatus, code: "invalid_api_key", retryable: false })
    expect(sandbox.requests()).toHaveLength(1)
    expect(calls()).toBe(2)
  })

  it("does not loop when the refreshed key is rejected too", async () => {
    sandbox.clearRequests()
    const { provider, calls } = rotatingProvider([revokedKey, "oh_rotation_unknown_03", freshKey])
    const error = failureOf(
      await runWithClient({ credentials: provider, baseUrl: sandbox.url }, (client) =>
        client.concepts.get(201826),
      ),
    )
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(sandbox.requests().map((r) => r.status)).toEqual([invalidKeyStatus, invalidKeyStatus])
    expect(calls()).toBe(2)
  })
})
