// The browser client's key rules, against the sandbox over real HTTP (run under Node: the rules
// are plain code; conformance-browser.test.ts runs the client in Chromium).

import { sandboxControl } from "@omophub/conformance"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClient, fromCallback, layer, OmopHubClient } from "../src/index.ts"

let sandbox: ConformanceSandbox

beforeAll(async () => {
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.close()
})

describe("browser createClient", () => {
  it("refuses a long-lived key as apiKey, explaining the risk, without echoing it", () => {
    const attempt = () => createClient({ apiKey: "oh_live_secret_123456", baseUrl: sandbox.apiUrl })
    expect(attempt).toThrow(/dangerouslyAllowBrowser/)
    try {
      attempt()
    } catch (error) {
      expect(error).toMatchObject({ _tag: "ConfigurationError" })
      expect((error as Error).message).toMatch(/anyone who opens the page/)
      expect((error as Error).message).not.toContain("oh_live")
    }
  })

  it("accepts it with dangerouslyAllowBrowser", async () => {
    await using client = createClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.apiUrl,
      dangerouslyAllowBrowser: true,
    })
    expect((await client.concepts.get(201826)).concept_id).toBe(201826)
  })

  it("refuses a callback's long-lived key unless it carries expiresAt; sends nothing", async () => {
    const control = sandboxControl(sandbox.apiUrl)
    await control.reset()
    await using refusing = createClient({
      baseUrl: sandbox.apiUrl,
      credentials: fromCallback(() => sandbox.apiKey),
    })
    const error = await refusing.concepts.get(201826).catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "CredentialsError" })
    expect((error as Error).message).toMatch(/long-lived API key.*expiresAt/)
    expect(await control.requests()).toEqual([])

    await using accepting = createClient({
      baseUrl: sandbox.apiUrl,
      credentials: fromCallback(() => ({ token: sandbox.apiKey, expiresAt: Date.now() + 60_000 })),
    })
    expect((await accepting.concepts.get(201826)).concept_id).toBe(201826)
  })

  it("needs a key source", () => {
    expect(() => createClient({ baseUrl: sandbox.apiUrl })).toThrow(/fromCallback/)
  })
})

describe("browser layer", () => {
  it("fails with the same ConfigurationError for a long-lived apiKey", async () => {
    const exit = await Effect.runPromiseExit(
      OmopHubClient.use((client) => client.concepts.get(201826)).pipe(
        Effect.provide(layer({ apiKey: "oh_live_secret_123456", baseUrl: sandbox.apiUrl })),
      ),
    )
    expect(JSON.stringify(exit)).toContain("dangerouslyAllowBrowser")
    expect(exit._tag).toBe("Failure")
  })
})
