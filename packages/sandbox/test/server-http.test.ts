import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { builtinRelease, createApp, type Sandbox, start } from "../src/index.ts"
import { bearer, json, syntheaDir } from "./server-support.ts"

const key = "oh_http_suite_key_77"
const headers = bearer(key)
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await start({
    keys: [{ key, name: "suite" }],
    releases: [
      { name: "2025.1", vocab: syntheaDir },
      { name: "2025.2", vocab: syntheaDir },
    ],
  })
})
afterAll(() => sandbox.close())

const releaseOf = async (target: string, extra: Record<string, string> = {}) => {
  const response = await fetch(`${sandbox.url}${target}`, { headers: { ...headers, ...extra } })
  const body = await json(response)
  return { status: response.status, release: body.meta?.vocab_release, body }
}

describe("release selection", () => {
  it("serves the default release and echoes it in meta.vocab_release", async () => {
    expect(sandbox.releases).toEqual(["2025.1", "2025.2"])
    expect(sandbox.defaultRelease).toBe("2025.2")
    expect(await releaseOf("/concepts/201826")).toMatchObject({ status: 200, release: "2025.2" })
  })

  it("honours the three header spellings and lets the query parameter win", async () => {
    for (const header of ["X-Vocab-Release", "X-Vocab-Version", "X-Vocabulary-Version"]) {
      expect((await releaseOf("/concepts/201826", { [header]: "2025.1" })).release).toBe("2025.1")
    }
    const both = await releaseOf("/concepts/201826?vocab_release=2025.2", { "X-Vocab-Version": "2025.1" })
    expect(both.release).toBe("2025.2")
  })

  it("maps aliases to releases", async () => {
    for (const alias of ["latest", "default", "CURRENT"]) {
      expect((await releaseOf(`/concepts/201826?vocab_release=${alias}`)).release).toBe("2025.2")
    }
    expect((await releaseOf("/concepts/201826?vocab_release=2025v1")).release).toBe("2025.1")
  })

  it("answers an unknown release with 400 version_not_supported listing the releases", async () => {
    const { status, body } = await releaseOf("/concepts/201826", { "X-Vocab-Release": "1999.1" })
    expect(status).toBe(400)
    expect(body.error.code).toBe("version_not_supported")
    expect(body.error.details).toEqual({
      requested: "1999.1",
      available_releases: ["2025.1", "2025.2"],
      default_release: "2025.2",
    })
  })
})

describe("request log", () => {
  it("records method, path, decoded query, redacted headers, body and status", async () => {
    sandbox.clearRequests()
    await fetch(`${sandbox.url}/search/concepts?query=type+2%20diabetes&vocabulary_ids=SNOMED%2CICD10CM`, {
      headers: { ...headers, "X-Vocab-Release": "2025.1" },
    })
    await fetch(`${sandbox.url}/concepts/batch`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ concept_ids: [201826] }),
    })
    await fetch(`${sandbox.url}/concepts/201826`)
    const [search, batch, rejected] = sandbox.requests()
    expect(search).toMatchObject({
      method: "GET",
      path: "/v1/search/concepts",
      query: { query: "type 2 diabetes", vocabulary_ids: "SNOMED,ICD10CM" },
      body: "",
      status: 200,
      key: "suite",
    })
    expect(search?.headers.authorization).toBe("Bearer [redacted]")
    expect(search?.headers["x-vocab-release"]).toBe("2025.1")
    expect(search?.id).toMatch(/^req_/)
    expect(batch).toMatchObject({ method: "POST", body: '{"concept_ids":[201826]}', status: 200 })
    expect(rejected).toMatchObject({ status: 401, key: undefined })
    expect(rejected?.headers.authorization).toBeUndefined()
    expect(JSON.stringify(sandbox.requests())).not.toContain(key)
  })
})

describe("HTTP edges", () => {
  it("answers CORS preflights without a key and exposes the rate-limit headers", async () => {
    const response = await fetch(`${sandbox.url}/concepts/201826`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization,x-vocab-release",
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization")
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-vocab-release")
    const actual = await fetch(`${sandbox.url}/concepts/201826`, {
      headers: { ...headers, Origin: "http://x.test" },
    })
    const exposed = actual.headers.get("access-control-expose-headers")?.toLowerCase() ?? ""
    for (const name of ["x-request-id", "ratelimit-remaining", "x-ratelimit-reset", "retry-after"]) {
      expect(exposed).toContain(name)
    }
  })

  it("tolerates a double slash after the base URL", async () => {
    const response = await fetch(`${sandbox.url}//concepts/201826`, { headers })
    expect(response.status).toBe(200)
    expect((await json(response)).data.concept_id).toBe(201826)
  })

  it("answers unknown routes with a 404 envelope carrying the request id", async () => {
    const response = await fetch(`${sandbox.url}/no/such/route`, { headers })
    const body = await json(response)
    expect(response.status).toBe(404)
    expect(body.error.code).toBe("not_found")
    expect(response.headers.get("x-request-id")).toBe(body.meta.request_id)
  })

  it("rejects malformed percent-encoding in the path with 400", async () => {
    const response = await fetch(`${sandbox.url}/concepts/by-code/SNOMED/%E0%A4%A`, { headers })
    expect(response.status).toBe(400)
    expect((await json(response)).error.code).toBe("bad_request")
  })

  it("survives a burst of garbage requests and still answers correctly", async () => {
    const garbage: Array<[string, RequestInit]> = []
    const oddPaths = [
      "/concepts/%",
      "/concepts/%ZZ",
      "/concepts/-1",
      "/concepts/1e400",
      `/concepts/${"9".repeat(400)}`,
      `/search/concepts?query=${"x".repeat(4000)}`,
      "/search/concepts?query=%FF%FE",
      "/concepts/by-code/%2F%2E%2E/%00",
      "/../../etc/passwd",
      "/concepts/201826?page_size=-5&page=abc",
      `/${"a/".repeat(300)}`,
    ]
    const bodies = ["{", "[]", "null", '{"concept_ids":"nope"}', "\u0000\u0001", "x".repeat(100_000)]
    for (let i = 0; i < 200; i++) {
      const path = oddPaths[i % oddPaths.length]!
      const method = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"][i % 7]!
      const body = method === "GET" || method === "HEAD" ? undefined : bodies[i % bodies.length]
      const target = i % 3 === 0 ? `/concepts/batch` : path
      garbage.push([target, { method, headers: { ...headers, "Content-Type": "application/json" }, body }])
    }
    const statuses = await Promise.all(
      garbage.map(async ([target, init]) => {
        const response = await fetch(`${sandbox.url}${target}`, init)
        const text = await response.text()
        if (init.method !== "HEAD" && init.method !== "OPTIONS" && response.status !== 204) {
          expect(() => JSON.parse(text)).not.toThrow()
        }
        expect(response.headers.get("x-request-id")).toMatch(/^req_/)
        return response.status
      }),
    )
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    const after = await fetch(`${sandbox.url}/concepts/201826`, { headers })
    expect(after.status).toBe(200)
    expect((await json(after)).data.concept_name).toBe("Type 2 diabetes mellitus")
  })
})

describe("createApp without a socket", () => {
  it("renders an unexpected exception as a 500 internal_server_error envelope", async () => {
    const { app } = createApp({ releases: [builtinRelease("2025.2")], keys: [key] })
    app.get("/v1/boom", () => {
      throw new Error("handler bug")
    })
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {})
    try {
      const response = await app.request("/v1/boom", { headers })
      const body = await json(response)
      expect(response.status).toBe(500)
      expect(response.headers.get("content-type")).toContain("application/json")
      expect(body.error.code).toBe("internal_server_error")
      expect(body.error.message).not.toContain("handler bug")
      expect(response.headers.get("x-request-id")).toBe(body.meta.request_id)
      expect(quiet).toHaveBeenCalled()
    } finally {
      quiet.mockRestore()
    }
  })
})
