// storeApiKey with target "file": a real file written by a child process with a permissive umask,
// then read back by the client's default chain against the sandbox.
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import { setProfileKey } from "@omophub/core/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClient } from "../src/index.ts"

const cli = join(import.meta.dirname, "fixtures", "store-key.ts")
let sandbox: ConformanceSandbox
let scratch: string

beforeAll(async () => {
  sandbox = await startSandbox()
  scratch = mkdtempSync(join(tmpdir(), "omophub-store-"))
})

afterAll(async () => {
  await sandbox?.close()
  rmSync(scratch, { recursive: true, force: true })
})

/** Runs the CLI with umask 000 and only the given environment (plus PATH). */
const store = (key: string, args: string[], env: Record<string, string>) =>
  new Promise<{ stored?: { path?: string; fingerprint: string }; error?: string; message?: string }>(
    (resolve, reject) => {
      const child = execFile(
        "sh",
        ["-c", 'umask 000 && exec "$0" "$@"', process.execPath, cli, ...args],
        { env: { PATH: process.env.PATH ?? "", ...env } },
        (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
      )
      child.stdin?.end(key)
    },
  )

// Each case starts Node children (about a second each on a busy machine).
describe("storeApiKey (file)", { timeout: 30_000 }, () => {
  it("writes mode 0600 in a new 0700 folder whatever the umask, where the default chain finds it", async () => {
    const home = join(scratch, "home")
    mkdirSync(home)
    const result = await store(sandbox.apiKey, ["file", "default"], { HOME: home })
    const path = join(home, ".config", "omophub", "credentials")
    expect(result.stored?.path).toBe(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, ".config", "omophub")).mode & 0o777).toBe(0o700)
    expect(statSync(join(home, ".config")).mode & 0o777).toBe(0o700)
    expect(JSON.stringify(result)).not.toContain(sandbox.apiKey)

    await using client = createClient({ credentialsFile: path, keychain: false, baseUrl: sandbox.apiUrl })
    expect((await client.concepts.get(201826)).concept_id).toBe(201826)
  })

  it("updates one profile and keeps the others, comments included", async () => {
    const path = join(scratch, "shared-credentials")
    writeFileSync(
      path,
      "# team file\n[default]\napi_key = oh_old_default\n\n[profile ci]\napi_key = oh_ci_key\n",
      {
        mode: 0o644,
      },
    )
    await store("oh_new_default", ["file", "default", path], {})
    await store("oh_staging", ["file", "staging", path], {})
    expect(readFileSync(path, "utf8")).toBe(
      "# team file\n[default]\napi_key = oh_new_default\n\n[profile ci]\napi_key = oh_ci_key\n\n[staging]\napi_key = oh_staging\n",
    )
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it("validates the key and profile before touching anything", async () => {
    const path = join(scratch, "untouched")
    expect(await store("oh_bad\u201ckey", ["file", "default", path], {})).toMatchObject({
      error: "ConfigurationError",
    })
    expect(await store("oh_fine", ["file", "bad]profile", path], {})).toMatchObject({
      error: "ConfigurationError",
    })
    expect(() => statSync(path)).toThrow()
  })
})

describe("setProfileKey", () => {
  it("replaces settings before any section for the default profile, keeps CRLF, quotes when needed", () => {
    expect(setProfileKey("api_key = a\r\n[x]\r\napi_key = b\r\n", "default", "c")).toBe(
      "api_key = c\r\n[x]\r\napi_key = b\r\n",
    )
    expect(setProfileKey("", "default", '"k #1"')).toBe('[default]\napi_key = "k #1"\n')
    expect(setProfileKey("[p]\nomophub_api_key = a\napi_key = b\nregion = eu\n", "p", "z")).toBe(
      "[p]\napi_key = z\nregion = eu\n",
    )
  })
})
