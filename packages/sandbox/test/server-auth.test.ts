import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Sandbox, start } from "../src/index.ts"
import { loadKeysFile } from "../src/server/Keys.ts"
import { bearer, json } from "./server-support.ts"

const goodKey = "oh_auth_good_key_0123456789"
const fileKey = "oh_from_keys_file_abcdef"
const revokedInFile = "oh_revoked_in_file_zzzzzz"

describe("API-key auth", () => {
  let sandbox: Sandbox
  let sandbox403: Sandbox
  let dir: string
  const logLines: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sandbox-keys-"))
    const keysFile = path.join(dir, "keys.json")
    await writeFile(
      keysFile,
      JSON.stringify({
        keys: [
          { key: fileKey, name: "ci" },
          { key: revokedInFile, name: "old", revoked: true },
        ],
      }),
    )
    sandbox = await start({ keys: [goodKey], keysFile, log: (line) => logLines.push(line) })
    sandbox403 = await start({ keys: [goodKey], invalidKeyStatus: 403 })
  })
  afterAll(async () => {
    await Promise.all([sandbox.close(), sandbox403.close()])
    await rm(dir, { recursive: true, force: true })
  })

  it("rejects a request without Authorization as 401 missing_api_key, with a request id", async () => {
    const response = await fetch(`${sandbox.url}/concepts/201826`)
    const body = await json(response)
    expect(response.status).toBe(401)
    expect(body.success).toBe(false)
    expect(body.error.code).toBe("missing_api_key")
    expect(response.headers.get("x-request-id")).toBe(body.meta.request_id)
    expect(body.meta.request_id).toMatch(/^req_/)
  })

  it("treats a non-Bearer scheme and an empty bearer token as missing / invalid", async () => {
    const basic = await fetch(`${sandbox.url}/concepts/201826`, {
      headers: { Authorization: `Basic ${goodKey}` },
    })
    expect(basic.status).toBe(401)
    expect((await json(basic)).error.code).toBe("missing_api_key")
    const blank = await fetch(`${sandbox.url}/concepts/201826`, { headers: { Authorization: "Bearer    " } })
    expect(blank.status).toBe(401)
    expect((await json(blank)).error.code).toBe("invalid_api_key")
  })

  it("accepts configured keys and keys from the keys file", async () => {
    for (const key of [goodKey, fileKey]) {
      const response = await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer(key) })
      expect(response.status).toBe(200)
      expect((await json(response)).data.concept_name).toBe("Type 2 diabetes mellitus")
    }
  })

  it("rejects unknown and revoked keys with 401 invalid_api_key by default, 403 when configured", async () => {
    for (const key of ["oh_unknown_key_999999", revokedInFile]) {
      const response = await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer(key) })
      expect(response.status).toBe(401)
      expect((await json(response)).error.code).toBe("invalid_api_key")
    }
    const response = await fetch(`${sandbox403.url}/concepts/201826`, {
      headers: bearer("oh_unknown_key_999999"),
    })
    expect(response.status).toBe(403)
    expect((await json(response)).error.code).toBe("invalid_api_key")
  })

  it("adds and revokes keys at runtime", async () => {
    const runtimeKey = "oh_added_at_runtime_1234"
    const before = await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer(runtimeKey) })
    expect(before.status).toBe(401)
    sandbox.control.addKey({ key: runtimeKey, name: "runtime" })
    expect((await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer(runtimeKey) })).status).toBe(200)
    expect(sandbox.control.revokeKey(runtimeKey)).toBe(true)
    const after = await fetch(`${sandbox.url}/concepts/201826`, { headers: bearer(runtimeKey) })
    expect(after.status).toBe(401)
    expect((await json(after)).error.message).toContain("revoked")
  })

  it("never echoes a key in bodies, headers, the request log or log lines", async () => {
    const secrets = [goodKey, "oh_unknown_key_999999", revokedInFile, fileKey]
    const seen: string[] = []
    for (const key of secrets) {
      for (const target of ["/concepts/201826", "/concepts/0", "/nope"]) {
        const response = await fetch(`${sandbox.url}${target}`, { headers: bearer(key) })
        seen.push(await response.text(), JSON.stringify([...response.headers]))
      }
    }
    seen.push(JSON.stringify(sandbox.requests()), JSON.stringify(sandbox.control.listKeys()), ...logLines)
    const everything = seen.join("\n")
    for (const key of secrets) expect(everything).not.toContain(key.slice(0, 7))
    const logged = sandbox.requests().find((r) => r.key === "ci")
    expect(logged?.headers.authorization).toBe("Bearer [redacted]")
  })

  it("accepts only the documented default key when no keys are configured", async () => {
    const open = await start()
    try {
      expect(open.defaultKey).toBe("oh_sandbox_key")
      const ok = await fetch(`${open.url}/concepts/201826`, { headers: bearer("oh_sandbox_key") })
      expect(ok.status).toBe(200)
      const other = await fetch(`${open.url}/concepts/201826`, { headers: bearer("oh_anything_else") })
      expect(other.status).toBe(401)
    } finally {
      await open.close()
    }
  })

  it("rejects a malformed keys file with a message naming the file, not the keys", async () => {
    const bad = path.join(dir, "bad.json")
    await writeFile(bad, JSON.stringify({ keys: [{ key: "oh_secret_in_bad_file", revoked: "yes" }] }))
    const message = await start({ keysFile: bad }).then(
      () => "started",
      (error: Error) => error.message,
    )
    expect(message).toMatch(/bad\.json: entry 0 has a non-boolean "revoked"/)
    expect(message).not.toContain("oh_secret")
  })
})

describe("keys file errors", () => {
  it("a malformed keys file is reported by path and position, never by content", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sandbox-keys-"))
    const file = path.join(dir, "keys.json")
    await writeFile(file, '{"keys":[oh_sekrit_value_123]}')
    try {
      const error = await loadKeysFile(file).catch((e: unknown) => e as Error)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toContain(file)
      expect((error as Error).message).toContain("not valid JSON")
      expect((error as Error).message).not.toContain("sekrit")
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
