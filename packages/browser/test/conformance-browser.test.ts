// The shared conformance scenarios in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): the browser adapter and the scenarios are bundled with esbuild, served from a
// local page, and run there against the sandbox over real cross-origin HTTP.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import type { ScenarioResult } from "@omophub/conformance"
import { quickStart, scenarios } from "@omophub/conformance"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import { build } from "esbuild"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const chromiumPath = "/usr/bin/chromium"
const packageRoot = join(import.meta.dirname, "..")

let sandbox: ConformanceSandbox
let server: Server
let browser: Browser | undefined
let results: ScenarioResult[] = []
let quickStartOutput = ""
let quickStartLines = 0
const pageErrors: string[] = []

const bundle = async (entry: string) => {
  const output = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
  })
  return output.outputFiles[0]?.text ?? ""
}

/** Serves each path's [content type, body]; anything else is a 404. */
const serve = (routes: () => Record<string, [string, string]>) =>
  new Promise<Server>((resolve) => {
    const created = createServer((request, response) => {
      const route = routes()[request.url ?? ""]
      response.writeHead(route ? 200 : 404, {
        "content-type": route?.[0] ?? "text/plain",
        "cache-control": "no-store",
      })
      response.end(route?.[1] ?? "")
    })
    created.listen(0, "127.0.0.1", () => resolve(created))
  })

beforeAll(async () => {
  expect(existsSync(chromiumPath), `${chromiumPath} (scripts/system-deps.sh installs it)`).toBe(true)
  sandbox = await startSandbox()
  const settings = JSON.stringify({ apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey })
  const page = (script: string, preamble = "") =>
    `<!doctype html><meta charset="utf-8"><title>conformance</title>${preamble}<script type="module" src="${script}"></script>`
  const conformanceScript = await bundle(join(import.meta.dirname, "page", "conformance-page.ts"))
  const example = quickStart(readFileSync(join(packageRoot, "README.md"), "utf8"), "@omophub/browser")
  mkdirSync(join(packageRoot, "test-results"), { recursive: true })
  const quickStartFile = join(packageRoot, "test-results", "quickstart.ts")
  writeFileSync(quickStartFile, example.code)
  quickStartLines = example.lines
  const quickStartScript = await bundle(quickStartFile)
  server = await serve(() => ({
    "/": [
      "text/html; charset=utf-8",
      page("/conformance.js", `<script>globalThis.conformanceSettings = ${settings}</script>`),
    ],
    "/conformance.js": ["text/javascript", conformanceScript],
    "/quickstart": ["text/html; charset=utf-8", page("/quickstart.js")],
    "/quickstart.js": ["text/javascript", quickStartScript],
    // What the app's backend would do: hand the signed-in user a short-lived token.
    "/api/omophub-token": [
      "application/json",
      JSON.stringify({ token: sandbox.apiKey, expiresAt: Date.now() + 5 * 60_000 }),
    ],
  }))
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const conformancePage = await browser.newPage()
  conformancePage.on("pageerror", (error) => pageErrors.push(error.message))
  await conformancePage.goto(`${origin}/`)
  await conformancePage.waitForFunction(() => globalThis.conformanceResults !== undefined, undefined, {
    timeout: 60_000,
  })
  results = await conformancePage.evaluate(() => globalThis.conformanceResults ?? [])

  // The README quick start calls the hosted API; the page's requests to it go to the sandbox instead.
  const quickStartPage = await browser.newPage()
  quickStartPage.on("pageerror", (error) => pageErrors.push(`quick start: ${error.message}`))
  await quickStartPage.route("https://api.omophub.com/**", async (route) => {
    const url = route.request().url().replace("https://api.omophub.com/v1", sandbox.apiUrl)
    await route.fulfill({ response: await route.fetch({ url }) })
  })
  const printed = quickStartPage.waitForEvent("console", { timeout: 30_000 })
  await quickStartPage.goto(`${origin}/quickstart`)
  quickStartOutput = (await printed).text()
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await sandbox?.close()
})

describe("README quick start (chromium)", () => {
  it("prints the concept name with a token from the app's backend", () => {
    expect(quickStartLines).toBeLessThanOrEqual(5)
    expect(quickStartOutput).toBe("Type 2 diabetes mellitus")
  })
})

describe("conformance (chromium)", () => {
  it("ran every scenario in the page", () => {
    expect(pageErrors).toEqual([])
    expect(results.map((result) => result.name)).toEqual(scenarios.map((scenario) => scenario.name))
  })
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const result = results.find((candidate) => candidate.name === scenario.name)
      expect(result?.error).toBeUndefined()
      expect(result?.passed).toBe(true)
    })
  }
})
