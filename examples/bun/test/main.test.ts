// Runs the example under the real Bun binary, as `bun src/main.ts` (the package's start script).
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { promisify } from "node:util"
import { start } from "@omophub/sandbox"
import { expect, it } from "vitest"

const run = promisify(execFile)
const packageDir = resolve(import.meta.dirname, "..")
const repoRoot = resolve(packageDir, "../..")
const synthea = resolve(repoRoot, "../shared/vocab/synthea27nj")
// The `bun` npm package of the repository root (what node_modules/.bin/bun runs).
const bun = join(
  dirname(createRequire(join(repoRoot, "package.json")).resolve("bun/package.json")),
  "bin",
  "bun.exe",
)
const runExample = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  run(bun, ["src/main.ts", ...args], {
    cwd: packageDir,
    env: { ...process.env, NO_COLOR: "1", OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "", ...env },
  })

it("runs under Bun against the sandbox it starts, with the built-in vocabulary", async () => {
  const { stdout } = await runExample([], {})
  expect(stdout).toMatch(/^Bun 1\.\d+\.\d+, using a local sandbox at http:\/\/127\.0\.0\.1:\d+\/v1/)
  expect(stdout).toContain(
    "Concept 201826: Type 2 diabetes mellitus (SNOMED 44054006, Condition, standard=S)",
  )
  expect(stdout).toContain("ICD10CM E11.9: concept 45576876 Type 2 diabetes mellitus without complications")
  expect(stdout).toMatch(/Search "diabetes": \d+ matches, first 5:/)
  expect(stdout).toContain("level 1: Diabetes mellitus (201820)")
  expect(stdout).toContain("Maps to -> 201826 Type 2 diabetes mellitus")
  expect(stdout).toContain("Concept 999999999: NotFoundError (not_found, request req_")
})

it("takes the server from OMOPHUB_API_URL and the key from OMOPHUB_API_KEY (default chain)", async () => {
  const key = "oh_bun_example_secret_0123456789"
  const sandbox = await start({ keys: [{ key, name: "bun-example" }] })
  try {
    const { stdout, stderr } = await runExample([], { OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: key })
    expect(stdout).toContain(`using ${sandbox.url}\n`)
    expect(stdout).toContain("Concept 201826: Type 2 diabetes mellitus")
    expect(stdout).toContain("Maps to -> 201826 Type 2 diabetes mellitus")
    const requests = sandbox.requests()
    expect(requests.length).toBeGreaterThanOrEqual(6)
    expect(requests.every((request) => request.key === "bun-example")).toBe(true)
    expect(stdout + stderr).not.toContain(key)
  } finally {
    await sandbox.close()
  }
})

it("runs under Bun over a real Athena vocabulary with --vocab", async () => {
  const { stdout } = await runExample(["--vocab", synthea], {})
  expect(stdout).toContain(`(${synthea})`)
  expect(stdout).toContain("Concept 201826: Type 2 diabetes mellitus")
  expect(stdout).toContain("ICD10CM E11.9: not in this vocabulary release")
  expect(stdout).toContain("no mapping in this vocabulary release")
})

/** Runs the example expecting it to fail: its exit code and output. */
const runFailing = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  runExample(args, env).then(
    () => ({ code: 0, stdout: "", stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

it("says what is wrong with the key in one line, exit 1, without printing the key", async () => {
  const key = "oh_bun_wrong_key_0123456789"
  const sandbox = await start({})
  try {
    const { code, stderr } = await runFailing([], { OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: key })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^AuthenticationError \w+: /m)
    expect(stderr).toContain("hint: check OMOPHUB_API_KEY")
    expect(stderr).not.toContain(key)
    expect(stderr).not.toMatch(/^\s+at /m)
  } finally {
    await sandbox.close()
  }
})

it("rejects a mistyped flag or a flag without its value with the usage, exit 2", async () => {
  for (const args of [["--vocb", synthea], ["--vocab"]]) {
    const { code, stderr } = await runFailing(args)
    expect(code, args.join(" ")).toBe(2)
    expect(stderr).toContain("usage: bun src/main.ts [--vocab DIR]")
  }
})
