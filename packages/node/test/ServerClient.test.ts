// The Node client's default chain and configuration over real parts: a real credentials file on
// disk, process.env, and the sandbox over HTTP. The keychain is switched off here (keychain: false)
// so no test depends on the machine's secret store; keychain-interop.test.ts covers it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ConformanceSandbox, startSandbox } from "@omophub/conformance/harness"
import * as Effect from "effect/Effect"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { createClient, layer, OmopHubClient } from "../src/index.ts"

let sandbox: ConformanceSandbox
let scratch: string

beforeAll(async () => {
  sandbox = await startSandbox()
  scratch = mkdtempSync(join(tmpdir(), "omophub-node-client-"))
})

afterAll(async () => {
  await sandbox?.close()
  rmSync(scratch, { recursive: true, force: true })
})

afterEach(() => vi.unstubAllEnvs())

/** An environment with nothing but the sandbox URL and an empty config home. */
const isolate = () => {
  vi.stubEnv("OMOPHUB_API_URL", sandbox.apiUrl)
  vi.stubEnv("OMOPHUB_API_KEY", "")
  vi.stubEnv("OMOPHUB_PROFILE", "")
  vi.stubEnv("OMOPHUB_CREDENTIALS_FILE", "")
  vi.stubEnv("XDG_CONFIG_HOME", join(scratch, "empty-config"))
}

const conceptName = async (options?: Parameters<typeof createClient>[0]) => {
  await using client = createClient(options)
  return (await client.concepts.get(201826)).concept_name
}

describe("createClient default chain", () => {
  it("reads OMOPHUB_API_URL and OMOPHUB_API_KEY; an empty variable counts as unset", async () => {
    isolate()
    vi.stubEnv("OMOPHUB_API_KEY", sandbox.apiKey)
    expect(await conceptName()).toBe("Type 2 diabetes mellitus")
    vi.stubEnv("OMOPHUB_API_KEY", "")
    const error = await createClient({ keychain: false })
      .concepts.get(201826)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "CredentialsError" })
    const message = (error as Error).message
    expect(message).toContain("OMOPHUB_API_KEY is not set")
    expect(message).toContain(join(scratch, "empty-config", "omophub", "credentials"))
  })

  it("prefers the apiKey option over the environment", async () => {
    isolate()
    vi.stubEnv("OMOPHUB_API_KEY", "oh_not_accepted_by_the_sandbox")
    expect(await conceptName({ apiKey: sandbox.apiKey })).toBe("Type 2 diabetes mellitus")
  })

  it("finds the key in the XDG credentials file, choosing the profile from OMOPHUB_PROFILE", async () => {
    isolate()
    const configHome = join(scratch, "xdg")
    vi.stubEnv("XDG_CONFIG_HOME", configHome)
    const folder = join(configHome, "omophub")
    await import("node:fs").then((fs) => fs.mkdirSync(folder, { recursive: true, mode: 0o700 }))
    writeFileSync(
      join(folder, "credentials"),
      `[default]\napi_key = oh_wrong_default\n\n[profile ci]\napi_key = ${sandbox.apiKey}\n`,
      { mode: 0o600 },
    )
    vi.stubEnv("OMOPHUB_PROFILE", "ci")
    expect(await conceptName({ keychain: false })).toBe("Type 2 diabetes mellitus")
    // The profile option wins over OMOPHUB_PROFILE: the default profile's key is rejected.
    await expect(conceptName({ keychain: false, profile: "default" })).rejects.toMatchObject({
      _tag: "AuthenticationError",
    })
  })

  it("uses OMOPHUB_CREDENTIALS_FILE before the XDG location", async () => {
    isolate()
    const file = join(scratch, "named-credentials")
    writeFileSync(file, `api_key = ${sandbox.apiKey}\n`, { mode: 0o600 })
    vi.stubEnv("OMOPHUB_CREDENTIALS_FILE", file)
    expect(await conceptName({ keychain: false })).toBe("Type 2 diabetes mellitus")
  })

  it("refuses apiKey together with credentials before any request", () => {
    expect(() =>
      createClient({ apiKey: "oh_x", credentials: { name: "x", resolve: Effect.die("unused") } }),
    ).toThrow(/either apiKey or credentials/)
  })
})

describe("layer (Effect API)", () => {
  it("reads OMOPHUB_API_URL and the key through the runtime's Env", async () => {
    isolate()
    vi.stubEnv("OMOPHUB_API_KEY", sandbox.apiKey)
    const name = await Effect.runPromise(
      OmopHubClient.use((client) => client.concepts.get(201826)).pipe(
        Effect.map((concept) => concept.concept_name),
        Effect.provide(layer({ keychain: false })),
      ),
    )
    expect(name).toBe("Type 2 diabetes mellitus")
  })
})
