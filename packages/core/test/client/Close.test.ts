import { start } from "@omophub/sandbox"
import { afterAll, beforeAll, expect, it } from "vitest"
import { ConfigurationError, createClient, isOmopHubError } from "../../src/index.ts"

let sandbox: Awaited<ReturnType<typeof start>>
beforeAll(async () => {
  sandbox = await start()
})
afterAll(() => sandbox.close())

it("a call after close() rejects with a typed ConfigurationError and sends nothing", async () => {
  const client = createClient({ apiKey: sandbox.defaultKey, baseUrl: sandbox.url })
  await client.close()
  sandbox.clearRequests()
  const error = await client.concepts.get(201826).catch((e: unknown) => e)
  expect(isOmopHubError(error)).toBe(true)
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).message).toContain("closed")
  expect(sandbox.requests()).toEqual([])
})

it("a call in flight when close() runs rejects with a typed ConfigurationError", async () => {
  sandbox.control.fault({ match: "GET /v1/concepts/:id", kind: "hang" })
  const client = createClient({ apiKey: sandbox.defaultKey, baseUrl: sandbox.url, batching: false })
  const pending = client.concepts.get(201826).catch((e: unknown) => e)
  await new Promise((resolve) => setTimeout(resolve, 100))
  await client.close()
  const error = await pending
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).message).toContain("closed during this call")
})
