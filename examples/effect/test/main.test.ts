import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { promisify } from "node:util"
import { start } from "@omophub/sandbox"
import { expect, it } from "vitest"

const run = promisify(execFile)
const main = resolve(import.meta.dirname, "../src/main.ts")
const synthea = resolve(import.meta.dirname, "../../../../shared/vocab/synthea27nj")
const ownSandbox = { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "" }

it("runs against its own sandbox: batched lookups, SDK and app retries, spans without the key", async () => {
  const { stdout, stderr } = await run(process.execPath, [main], { env: ownSandbox })
  // Real concept names from the built-in vocabulary, looked up concurrently.
  expect(stdout).toContain("201826  SNOMED   Type 2 diabetes mellitus")
  expect(stdout).toContain("1503297  RxNorm   metformin")
  expect(stdout).toContain("3004410  LOINC    Hemoglobin A1c/Hemoglobin.total in Blood")
  // Eight lookups, one batch; its first attempt met the scripted 503 and the SDK retried it.
  expect(stdout).toContain(
    "8 lookups -> 2 HTTP request(s) (2 POST /concepts/batch, retries included): " +
      "POST /v1/concepts/batch -> 503, POST /v1/concepts/batch -> 200",
  )
  expect(stdout).toMatch(/\[span\] omophub\.concepts\.batch [\d.]+ms ok .*omophub\.attempts=2/)
  // Search: the SDK gave up after its 2 retries, the app's schedule tried once more.
  expect(stdout).toMatch(/\[span\] omophub\.search\.basic [\d.]+ms failed .*omophub\.attempts=3/)
  expect(stdout).toContain("app schedule: ServerError (retryable) after the SDK's retries")
  expect(stdout).toMatch(/\[span\] omophub\.search\.basic [\d.]+ms ok .*omophub\.attempts=1/)
  expect(stdout).toContain("Type 2 diabetes mellitus")
  expect(stdout).toMatch(/\[span\] example [\d.]+ms ok/)
  expect(stdout).toMatch(/Rate limit: \d+ of 100 left/)
  expect(stdout).toContain("API key in any span: no")
  expect(`${stdout}${stderr}`).not.toContain("oh_sandbox_key")
})

it("honours a 429 with Retry-After from a sandbox given by OMOPHUB_API_URL / OMOPHUB_API_KEY", async () => {
  const secret = "oh_effect_example_secret_0123456789"
  const sandbox = await start({ keys: [secret] })
  try {
    sandbox.control.fault({ match: "POST /v1/concepts/batch", kind: "status", status: 429, retryAfter: 1 })
    const { stdout, stderr } = await run(process.execPath, [main], {
      env: { ...process.env, OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: secret },
    })
    expect(stdout).toContain(`Using ${sandbox.url}`)
    expect(stdout).toContain("201826  SNOMED   Type 2 diabetes mellitus")
    expect(stdout).toContain("POST /v1/concepts/batch -> 429, POST /v1/concepts/batch -> 200")
    expect(stdout).toMatch(/\[span\] omophub\.concepts\.batch [\d.]+ms ok .*omophub\.attempts=2/)
    // No scripted search fault here: the app's schedule has nothing to do.
    expect(stdout).not.toContain("app schedule:")
    expect(stdout).toContain("API key in any span: no")
    expect(`${stdout}${stderr}`).not.toContain(secret)
    // The server's view: the eight lookups arrived as batch requests only, never one GET per id.
    const seen = sandbox.requests().map((r) => `${r.method} ${r.path} ${r.status}`)
    expect(seen.filter((r) => r.startsWith("POST /v1/concepts/batch"))).toEqual([
      "POST /v1/concepts/batch 429",
      "POST /v1/concepts/batch 200",
    ])
    expect(seen.filter((r) => /^GET \/v1\/concepts\/\d+/.test(r))).toEqual([])
    expect(JSON.stringify(sandbox.requests())).not.toContain(secret)
  } finally {
    await sandbox.close()
  }
})

it("runs over a real Athena vocabulary with --vocab", async () => {
  const { stdout } = await run(process.execPath, [main, "--vocab", synthea, "--no-faults"], {
    env: ownSandbox,
  })
  expect(stdout).toContain("201826  SNOMED   Type 2 diabetes mellitus")
  expect(stdout).toContain("not in this vocabulary release")
  expect(stdout).toContain("8 lookups -> 1 HTTP request(s) (1 POST /concepts/batch")
  expect(stdout).not.toContain("app schedule:")
})

/** Runs the example expecting it to fail: its exit code and output. */
const runFailing = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  run(process.execPath, [main, ...args], { env: { ...ownSandbox, ...env } }).then(
    () => ({ code: 0, stdout: "", stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

it("says what is wrong with the key in one line, exit 1, without printing the key", async () => {
  const key = "oh_effect_wrong_key_0123456789"
  const sandbox = await start({})
  try {
    const { code, stdout, stderr } = await runFailing([], {
      OMOPHUB_API_URL: sandbox.url,
      OMOPHUB_API_KEY: key,
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^AuthenticationError \w+: /m)
    expect(stderr).toContain("hint: check OMOPHUB_API_KEY")
    expect(stdout + stderr).not.toContain(key)
    expect(stderr).not.toMatch(/^\s+at /m)
  } finally {
    await sandbox.close()
  }
})

it("rejects a mistyped flag or a flag without its value with the usage, exit 2", async () => {
  for (const args of [["--vocb", synthea], ["--vocab"], ["--faults"]]) {
    const { code, stderr } = await runFailing(args)
    expect(code, args.join(" ")).toBe(2)
    expect(stderr).toContain("usage: node src/main.ts [--vocab DIR] [--no-faults]")
  }
})
