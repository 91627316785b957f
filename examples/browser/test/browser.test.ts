// The example end to end in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// the production bundle built with Vite, served by the example's server in front of a real sandbox,
// and the Vite dev server; a user types, picks a concept and reads its details and ancestors.
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { start } from "@omophub/sandbox"
import { type Browser, chromium, type Page } from "playwright-core"
import { build } from "vite"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AppServer, appRoot, startAppServer } from "../server/app-server.ts"
import { startBackend } from "../server/backend.ts"

const chromiumPath = "/usr/bin/chromium"
const resultsDir = join(appRoot, "test-results")
const screenshot = join(resultsDir, "browser-example.png")

// The sandbox's own key: it must never reach the page, its bundle or any URL.
const serverKey = `oh_server_${randomBytes(16).toString("hex")}`

let browser: Browser
let distDir: string

/** Everything the page did: request URLs and headers, bodies it loaded from the app, tokens issued. */
interface Traffic {
  readonly requests: Array<{ url: string; headers: Record<string, string> }>
  readonly appBodies: string[]
  readonly tokens: string[]
  readonly pageErrors: string[]
}

const watch = (page: Page, app: AppServer): Traffic => {
  const traffic: Traffic = { requests: [], appBodies: [], tokens: [], pageErrors: [] }
  page.on("pageerror", (error) => traffic.pageErrors.push(error.message))
  page.on("request", (request) => {
    void request.allHeaders().then((headers) => traffic.requests.push({ url: request.url(), headers }))
  })
  page.on("response", (response) => {
    if (!response.url().startsWith(app.url)) return
    void response.text().then(
      (body) => {
        if (new URL(response.url()).pathname === "/token") {
          traffic.tokens.push((JSON.parse(body) as { token: string }).token)
        } else traffic.appBodies.push(body)
      },
      () => {},
    )
  })
  return traffic
}

/** Types like a person, one key at a time, and waits for the suggestion for concept 201826. */
const searchAndPick = async (page: Page) => {
  const input = page.getByRole("combobox")
  await input.waitFor({ state: "visible" })
  await page.waitForFunction(() => !(document.getElementById("query") as HTMLInputElement).disabled)
  await input.click()
  await input.pressSequentially("diab", { delay: 80 })
  const option = page.locator('[role=option][data-concept-id="201826"]')
  await option.waitFor({ state: "visible", timeout: 30_000 }).catch(async (error: unknown) => {
    // Say what the page itself reported (e.g. a failed search) rather than only "timeout".
    const shown = await page.locator("#status").textContent()
    throw new Error(`no suggestion for 201826; the page says: ${JSON.stringify(shown)}`, { cause: error })
  })
  return option
}

beforeAll(async () => {
  expect(existsSync(chromiumPath), `${chromiumPath} (scripts/system-deps.sh installs it)`).toBe(true)
  await mkdir(resultsDir, { recursive: true })
  distDir = await mkdtemp(join(tmpdir(), "omophub-example-browser-"))
  // A server-side key in the build's environment must not end up in the bundle either.
  const saved = process.env.OMOPHUB_API_KEY
  process.env.OMOPHUB_API_KEY = serverKey
  try {
    await build({ root: appRoot, logLevel: "silent", build: { outDir: distDir, emptyOutDir: true } })
  } finally {
    if (saved === undefined) delete process.env.OMOPHUB_API_KEY
    else process.env.OMOPHUB_API_KEY = saved
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  })
})

afterAll(async () => {
  await browser?.close()
  if (distDir !== undefined) await rm(distDir, { recursive: true, force: true })
})

describe("production bundle against the sandbox", () => {
  let app: AppServer
  let page: Page
  let traffic: Traffic

  beforeAll(async () => {
    app = await startAppServer({ backend: { kind: "sandbox", serverKey }, mode: "dist", distDir, port: 0 })
    page = await browser.newPage({ viewport: { width: 1200, height: 820 } })
    traffic = watch(page, app)
    await page.goto(app.url)
  })

  afterAll(async () => {
    await page?.close()
    await app?.close()
  })

  it("suggests concepts while typing, with vocabulary, code, domain and the standard flag", async () => {
    await page.waitForFunction(() => document.getElementById("source")?.dataset.source === "sandbox")
    await expect(page.locator("#source").textContent()).resolves.toBe("Sandbox · built-in vocabulary")
    const option = await searchAndPick(page)
    const text = await option.textContent()
    for (const part of ["Type 2 diabetes mellitus", "SNOMED", "44054006", "Condition", "Standard"]) {
      expect(text).toContain(part)
    }
    // The ICD10CM concept of the same name is listed too, as a non-standard one.
    const rows = await page
      .locator("[role=option]")
      .evaluateAll((nodes) =>
        nodes.map((node) =>
          [...node.querySelectorAll(".option-name, .option-meta > *")].map((n) => n.textContent),
        ),
      )
    expect(rows).toContainEqual(["Type 2 diabetes mellitus", "ICD10CM", "E11", "Condition", "Non-standard"])
    expect(await page.locator("#query").getAttribute("aria-expanded")).toBe("true")
    await page.screenshot({ path: join(resultsDir, "browser-example-suggestions.png") })
    await option.click()
  })

  it("shows the picked concept's details and its ancestors", async () => {
    const card = page.locator('.card[data-concept-id="201826"]')
    await card.waitFor({ state: "visible", timeout: 30_000 })
    await page.locator(".ancestors li").first().waitFor({ state: "visible" })
    const fields = await card
      .locator(".field")
      .evaluateAll((nodes) =>
        Object.fromEntries(
          nodes.map((node) => [node.querySelector("dt")?.textContent, node.querySelector("dd")?.textContent]),
        ),
      )
    expect(fields).toMatchObject({
      "Concept ID": "201826",
      Vocabulary: "SNOMED",
      Code: "44054006",
      Domain: "Condition",
      Standard: "Standard",
    })
    await expect(card.locator(".card-title").textContent()).resolves.toBe("Type 2 diabetes mellitus")
    const ancestors = await page.locator(".ancestor-name").allTextContents()
    expect(ancestors).toContain("Diabetes mellitus")
    expect(await page.locator("#query").getAttribute("aria-expanded")).toBe("false")
    await page.screenshot({ path: screenshot, fullPage: true })
    expect(existsSync(screenshot)).toBe(true)
  })

  it("sends a short-lived token from /token in the Authorization header, never the server key", async () => {
    expect(traffic.pageErrors).toEqual([])
    expect(traffic.tokens.length).toBeGreaterThanOrEqual(1)
    const apiUrl = app.backend.config.apiUrl
    const apiRequests = traffic.requests.filter((request) => request.url.startsWith(apiUrl))
    expect(apiRequests.map((request) => new URL(request.url).pathname)).toEqual(
      expect.arrayContaining(["/v1/search/suggest", "/v1/concepts/201826", "/v1/concepts/201826/ancestors"]),
    )
    for (const request of apiRequests) {
      expect(traffic.tokens.map((token) => `Bearer ${token}`)).toContain(request.headers.authorization)
    }
    // Kept in memory only: nothing in web storage or cookies.
    const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])
    expect(stored).toEqual([0, 0, ""])
    expect(await page.context().cookies()).toEqual([])
    const secrets = [serverKey, ...traffic.tokens]
    for (const request of traffic.requests) {
      for (const secret of secrets) expect(request.url).not.toContain(secret)
    }
    // The sandbox saw only the minted tokens (by name), never its own key.
    const keyLabels = new Set(app.backend.sandbox?.requests().map((request) => request.key))
    expect([...keyLabels].every((label) => label === undefined || label.startsWith("page-token-"))).toBe(true)
    expect(keyLabels.has("page-token-1")).toBe(true)
  })

  it("has no server key in the page, its bundle or anything else it loaded from the app", async () => {
    const builtFiles = await readdir(distDir, { recursive: true, withFileTypes: true })
    const bundle = await Promise.all(
      builtFiles
        .filter((entry) => entry.isFile())
        .map((entry) => readFile(join(entry.parentPath, entry.name), "utf8")),
    )
    expect(bundle.some((text) => text.includes("search/suggest"))).toBe(true)
    expect(traffic.appBodies.length).toBeGreaterThanOrEqual(3)
    for (const text of [...bundle, ...traffic.appBodies, await page.content()]) {
      expect(text).not.toContain(serverKey)
      expect(text).not.toContain("oh_sandbox_key")
      expect(text).not.toContain("oh_server_")
    }
  })

  it("issues tokens only to same-origin POSTs; a revoked token stops working", async () => {
    const cross = await fetch(`${app.url}token`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site" },
    })
    expect(cross.status).toBe(403)
    const foreignOrigin = await fetch(`${app.url}token`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
    })
    expect(foreignOrigin.status).toBe(403)
    const ownOrigin = await fetch(`${app.url}token`, {
      method: "POST",
      headers: { origin: new URL(app.url).origin },
    })
    expect(ownOrigin.status).toBe(200)
    expect((await fetch(`${app.url}token`)).status).toBe(405)
    const { token, expiresAt } = (await (await fetch(`${app.url}token`, { method: "POST" })).json()) as {
      token: string
      expiresAt: number
    }
    expect(token.startsWith("tok_")).toBe(true)
    expect(expiresAt).toBeGreaterThan(Date.now())
    const apiUrl = app.backend.config.apiUrl
    const use = () => fetch(`${apiUrl}/concepts/201826`, { headers: { authorization: `Bearer ${token}` } })
    expect((await use()).status).toBe(200)
    app.backend.sandbox?.control.revokeKey(token)
    expect((await use()).status).toBe(401)
  })
})

describe("token lifetime", () => {
  it("revokes a minted token in the sandbox once it expires", async () => {
    const backend = await startBackend({ kind: "sandbox", serverKey, tokenTtlMs: 300 })
    try {
      const { token } = backend.issueToken()
      const use = () =>
        fetch(`${backend.config.apiUrl}/concepts/201826`, { headers: { authorization: `Bearer ${token}` } })
      expect((await use()).status).toBe(200)
      // Waits for the revocation (no deadline of its own: the test timeout bounds it).
      let status = 200
      while (status === 200) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        status = (await use()).status
      }
      expect(status).toBe(401)
    } finally {
      await backend.close()
    }
  })
})

describe("Vite dev server", () => {
  it("serves the same page, which finds and shows a concept", async () => {
    const app = await startAppServer({ backend: { kind: "sandbox", serverKey }, mode: "dev", port: 0 })
    const page = await browser.newPage()
    try {
      const traffic = watch(page, app)
      await page.goto(app.url)
      const option = await searchAndPick(page)
      await option.click()
      await page.locator(".ancestor-name", { hasText: "Diabetes mellitus" }).waitFor({ timeout: 30_000 })
      expect(traffic.pageErrors).toEqual([])
      for (const text of [...traffic.appBodies, ...traffic.requests.map((request) => request.url)]) {
        expect(text).not.toContain(serverKey)
      }
    } finally {
      await page.close()
      await app.close()
    }
  })
})

describe("real-API mode (the API played by a sandbox)", () => {
  it("hands the page the server-side key with an expiry, and the page works with it", async () => {
    const apiKey = `oh_live_${randomBytes(8).toString("hex")}`
    const api = await start({ keys: [apiKey] })
    const app = await startAppServer({
      backend: { kind: "api", apiUrl: api.url, apiKey },
      mode: "dist",
      distDir,
      port: 0,
    })
    const page = await browser.newPage()
    try {
      const config = (await (await fetch(`${app.url}config`)).json()) as { apiUrl: string; source: string }
      expect(config).toMatchObject({ apiUrl: api.url, source: "api" })
      const issued = (await (await fetch(`${app.url}token`, { method: "POST" })).json()) as {
        token: string
        expiresAt: number
      }
      expect(issued.token).toBe(apiKey)
      expect(issued.expiresAt).toBeGreaterThan(Date.now())
      await page.goto(app.url)
      await searchAndPick(page)
    } finally {
      await page.close()
      await app.close()
      await api.close()
    }
  })
})

describe("pnpm start", () => {
  it("prints the URL first, then serves /config for the sandbox it started (after a `--`)", async () => {
    // `pnpm start -- --port 0` passes the `--` on.
    const child = spawn(process.execPath, [join(appRoot, "server/main.ts"), "--", "--port", "0"], {
      cwd: appRoot,
      env: { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    })
    try {
      const lines = createInterface({ input: child.stdout })
      const [url] = (await lines[Symbol.asyncIterator]().next()).value?.split("\n") ?? []
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const config = (await (await fetch(`${url}config`)).json()) as { source: string; apiUrl: string }
      expect(config.source).toBe("sandbox")
      const html = await (await fetch(url!)).text()
      expect(html).toContain("Concept search")
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGTERM")
      await exited
    }
  })
})
