// The start command's mistakes: one line and a usage or a hint, never a stack trace.
import { execFile } from "node:child_process"
import { join } from "node:path"
import { promisify } from "node:util"
import { expect, it } from "vitest"
import { appRoot } from "../server/app-server.ts"

const run = promisify(execFile)
const main = join(appRoot, "server/main.ts")
const runFailing = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  run(process.execPath, [main, ...args], {
    cwd: appRoot,
    env: { ...process.env, OMOPHUB_API_URL: "", OMOPHUB_API_KEY: "", ...env },
  }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  )

it("answers an unknown flag, a bad port or a URL without a key with the usage, exit 2", async () => {
  for (const [args, env] of [
    [["--bogus"], {}],
    [["--", "--port", "-1"], {}],
    [["--port"], {}],
    [[], { OMOPHUB_API_URL: "http://127.0.0.1:9/v1" }],
  ] as const) {
    const { code, stderr } = await runFailing(args, env)
    expect(code, args.join(" ")).toBe(2)
    expect(stderr).toContain("usage: node server/main.ts")
    expect(stderr).not.toMatch(/^\s+at /m)
  }
})

it("reports a --vocab directory it cannot load in one line with a hint, exit 1", async () => {
  const { code, stderr } = await runFailing(["--vocab", "/nonexistent", "--port", "0"])
  expect(code).toBe(1)
  expect(stderr).toMatch(/^VocabularyLoadError: \/nonexistent/m)
  expect(stderr).toContain("hint: --vocab takes a directory")
  expect(stderr).not.toMatch(/^\s+at /m)
})
