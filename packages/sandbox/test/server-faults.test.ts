import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Sandbox, start } from "../src/index.ts"
import { bearer, json } from "./server-support.ts"

const key = "oh_fault_tests_key_01"
const headers = bearer(key)
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({ keys: [key], control: true })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.control.reset())

const concept = (init: RequestInit = {}) => fetch(`${sandbox.url}/concepts/201826`, { headers, ...init })

describe("scripted responses", () => {
  it("answers with a scripted status and JSON body, then serves normally again", async () => {
    sandbox.control.fault({
      match: "GET /v1/concepts/:id",
      kind: "status",
      status: 500,
      body: { oops: true },
    })
    const faulted = await concept()
    expect(faulted.status).toBe(500)
    expect(await json(faulted)).toEqual({ oops: true })
    expect(faulted.headers.get("x-request-id")).toMatch(/^req_/)
    const normal = await concept()
    expect(normal.status).toBe(200)
    expect((await json(normal)).data.concept_id).toBe(201826)
  })

  it("defaults the body to an error envelope and adds scripted headers", async () => {
    sandbox.control.fault({
      kind: "status",
      status: 503,
      headers: { "RateLimit-Remaining": "0", "X-Custom": "yes" },
    })
    const response = await concept()
    const body = await json(response)
    expect(response.status).toBe(503)
    expect(body).toMatchObject({ success: false, error: { code: "service_unavailable" } })
    expect(body.meta.request_id).toBe(response.headers.get("x-request-id"))
    expect(response.headers.get("ratelimit-remaining")).toBe("0")
    expect(response.headers.get("x-custom")).toBe("yes")
  })

  it("sends Retry-After as delta seconds or as an HTTP-date", async () => {
    sandbox.control.fault([
      { kind: "status", status: 429, retryAfter: 3 },
      { kind: "status", status: 503, retryAfter: { seconds: 30, format: "http-date" } },
    ])
    const delta = await concept()
    expect(delta.status).toBe(429)
    expect(delta.headers.get("retry-after")).toBe("3")
    const dated = await concept()
    expect(dated.status).toBe(503)
    const at = Date.parse(dated.headers.get("retry-after") ?? "")
    expect(at - Date.now()).toBeGreaterThan(25_000)
    expect(at - Date.now()).toBeLessThan(32_000)
    expect(dated.headers.get("retry-after")).toMatch(/GMT$/)
  })

  it("serves non-JSON and empty bodies", async () => {
    sandbox.control.fault([
      { kind: "body", status: 502, body: "<html><body>Bad Gateway</body></html>" },
      { kind: "body", status: 503, body: "" },
    ])
    const html = await concept()
    expect(html.status).toBe(502)
    expect(html.headers.get("content-type")).toContain("text/html")
    expect(await html.text()).toContain("Bad Gateway")
    const empty = await concept()
    expect(empty.status).toBe(503)
    expect(await empty.text()).toBe("")
  })

  it("applies each fault once per matching request, in order, `times` times", async () => {
    sandbox.control.fault([
      { match: "POST", kind: "status", status: 418 },
      { match: "/v1/search", kind: "status", status: 502, times: 2 },
      { match: "GET /v1/concepts/:id", kind: "status", status: 500 },
      { kind: "status", status: 504 },
    ])
    // Pattern with a parameter does not match a longer path; the prefix fault matches any method.
    const ancestors = await fetch(`${sandbox.url}/concepts/201826/ancestors`, { headers })
    expect(ancestors.status).toBe(504)
    expect((await fetch(`${sandbox.url}/search/concepts?query=diabetes`, { headers })).status).toBe(502)
    expect((await concept()).status).toBe(500)
    expect((await fetch(`${sandbox.url}/search/concepts?query=diabetes`, { headers })).status).toBe(502)
    expect((await fetch(`${sandbox.url}/search/concepts?query=diabetes`, { headers })).status).toBe(200)
    expect(sandbox.control.pendingFaults()).toMatchObject([{ match: "POST", remaining: 1 }])
    const posted = await fetch(`${sandbox.url}/concepts/batch`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ concept_ids: [201826] }),
    })
    expect(posted.status).toBe(418)
    expect(sandbox.requests().map((r) => r.fault)).toEqual([
      "status",
      "status",
      "status",
      "status",
      undefined,
      "status",
    ])
  })

  it("rejects malformed fault specs", () => {
    expect(() => sandbox.control.fault({ kind: "status", status: 99 })).toThrow(/status must be 200-599/)
    expect(() => sandbox.control.fault({ kind: "explode" } as never)).toThrow(/kind must be one of/)
    expect(() => sandbox.control.fault({ kind: "hang", times: 0 })).toThrow(/times/)
  })
})

describe("timing faults", () => {
  it("delays a response before serving it", async () => {
    sandbox.control.fault({ kind: "pass", delayMs: 300, headers: { "X-Delayed": "1" } })
    const started = performance.now()
    const response = await concept()
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(response.status).toBe(200)
    expect(response.headers.get("x-delayed")).toBe("1")
    expect((await json(response)).data.concept_id).toBe(201826)
  })

  it("hangs until the client gives up", async () => {
    sandbox.control.fault({ kind: "hang" })
    const error = await concept({ signal: AbortSignal.timeout(250) }).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.name).toBe("TimeoutError")
    expect((await concept()).status).toBe(200)
    const hung = sandbox.requests()[0]
    expect(hung?.fault).toBe("hang")
    expect(hung?.status).toBeNull()
  })

  it("streams a slow body in chunks that still parses", async () => {
    sandbox.control.fault({ kind: "slow-body", chunks: 4, chunkDelayMs: 100 })
    const started = performance.now()
    const response = await concept()
    const headersAt = performance.now() - started
    const body = await json(response)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(headersAt).toBeLessThan(250)
    expect(body.data.concept_name).toBe("Type 2 diabetes mellitus")
  })
})

describe("broken connections", () => {
  it("resets the connection before headers: fetch rejects", async () => {
    sandbox.control.fault({ kind: "reset", phase: "before-headers" })
    await expect(concept()).rejects.toThrow(/fetch failed/)
    expect((await concept()).status).toBe(200)
  })

  it("resets the connection after headers: fetch resolves, reading the body rejects", async () => {
    sandbox.control.fault({ kind: "reset", phase: "after-headers" })
    const response = await concept()
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it("truncates a body below its Content-Length: reading the body rejects", async () => {
    sandbox.control.fault({ kind: "truncate", sendBytes: 40 })
    const response = await concept()
    expect(response.status).toBe(200)
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(40)
    await expect(response.text()).rejects.toThrow()
    expect((await concept()).status).toBe(200)
  })
})

describe("HTTP control routes", () => {
  it("scripts faults, reads the log and resets over HTTP", async () => {
    const scripted = await fetch(`${sandbox.origin}/_sandbox/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ match: "GET /v1/concepts/:id", kind: "status", status: 429, retryAfter: 1 }),
    })
    expect(scripted.status).toBe(201)
    expect((await json(scripted)).pending).toHaveLength(1)
    const limited = await concept()
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("1")
    const log = await json(await fetch(`${sandbox.origin}/_sandbox/requests`))
    expect(log.requests).toHaveLength(1)
    expect(log.requests[0]).toMatchObject({ method: "GET", path: "/v1/concepts/201826", status: 429 })
    const invalid = await fetch(`${sandbox.origin}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "reset", phase: "sometime" }),
    })
    expect(invalid.status).toBe(400)
    expect((await json(invalid)).error.code).toBe("validation_error")
    const limit = await fetch(`${sandbox.origin}/_sandbox/rate-limit`, {
      method: "PUT",
      body: JSON.stringify({ limit: 1, windowMs: 60_000 }),
    })
    expect(limit.status).toBe(200)
    expect((await concept()).status).toBe(200)
    expect((await concept()).status).toBe(429)
    expect((await fetch(`${sandbox.origin}/_sandbox/reset`, { method: "POST" })).status).toBe(200)
    expect((await concept()).status).toBe(200)
    expect(sandbox.requests()).toHaveLength(1)
  })

  it("adds and revokes keys over HTTP without listing them", async () => {
    const added = await fetch(`${sandbox.origin}/_sandbox/keys`, {
      method: "POST",
      body: JSON.stringify({ key: "oh_http_added_key_5", name: "http" }),
    })
    expect(added.status).toBe(201)
    expect(await added.text()).not.toContain("oh_http_added_key_5")
    expect(
      (await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer("oh_http_added_key_5") })).status,
    ).toBe(200)
    const revoked = await fetch(`${sandbox.origin}/_sandbox/keys/revoke`, {
      method: "POST",
      body: JSON.stringify({ key: "oh_http_added_key_5" }),
    })
    expect(revoked.status).toBe(200)
    expect(
      (await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer("oh_http_added_key_5") })).status,
    ).toBe(401)
  })

  it("is absent unless enabled", async () => {
    const closed = await start({ keys: [key] })
    try {
      const response = await fetch(`${closed.origin}/_sandbox/faults`, {
        method: "POST",
        headers,
        body: "{}",
      })
      expect(response.status).toBe(404)
    } finally {
      await closed.close()
    }
  })
})

describe("close()", () => {
  it("ends hanging and slow responses so close() returns promptly", async () => {
    const other = await start({ keys: [key] })
    other.control.fault([
      { kind: "hang" },
      { match: "/v1/search", kind: "slow-body", chunks: 50, chunkDelayMs: 1000 },
    ])
    const hanging = fetch(`${other.url}/concepts/201826`, { headers }).catch((e: Error) => e)
    const slow = fetch(`${other.url}/search/concepts?query=diabetes`, { headers })
      .then((r) => r.text())
      .catch((e: Error) => e)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = performance.now()
    await other.close()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(await hanging).toBeInstanceOf(Error)
    expect(await slow).toBeInstanceOf(Error)
  })
})
