// Bundled with esbuild and loaded in headless Chromium by conformance-browser.test.ts: runs the
// shared scenarios against the sandbox (cross-origin, over real HTTP), the way a web app would
// call the API — a short-lived token from a callback, never a key in the page.

import type { ConformanceClient, ConformanceContext, ScenarioResult } from "@omophub/conformance"
import { runScenarios, sandboxControl, scenarios } from "@omophub/conformance"
import { createClient, fromCallback } from "../../src/index.ts"

declare global {
  var conformanceSettings: { readonly apiUrl: string; readonly apiKey: string }
  var conformanceResults: ScenarioResult[] | undefined
}

const { apiUrl, apiKey } = globalThis.conformanceSettings
const tokenLifetimeMs = 10 * 60_000

/** A client whose key comes from `token()` as a short-lived token, as a backend would issue it. */
const clientWithTokens = (token: () => Promise<string>): ConformanceClient =>
  createClient({
    baseUrl: apiUrl,
    credentials: fromCallback(async () => ({
      token: await token(),
      expiresAt: Date.now() + tokenLifetimeMs,
    })),
  })

const context: ConformanceContext = {
  runtime: "chromium",
  sandbox: sandboxControl(apiUrl),
  client: () => clientWithTokens(async () => apiKey),
  clientWithKey: (key) => clientWithTokens(async () => key),
  clientWithCallback: (callback) => clientWithTokens(callback),
}

globalThis.conformanceResults = await runScenarios(scenarios, context)
