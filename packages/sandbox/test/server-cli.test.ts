import { execFile, spawnSync } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { bearer, cliPath, json, spawnCli, syntheaDir } from "./server-support.ts"

const node = process.execPath

const run = (args: readonly string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(node, [...args], { encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
        stdout,
        stderr,
      })
    })
  })

/** Polls `condition` until it holds (stderr arrives on its own pipe, after or before stdout). */
const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not reached in time")
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe("omophub-sandbox CLI", () => {
  it("prints the base URL first, serves the vocabulary and exits 0 on SIGTERM", async () => {
    const cli = await spawnCli(node, [
      cliPath,
      "--port",
      "0",
      "--vocab",
      syntheaDir,
      "--key",
      "oh_cli_key_1",
      "--rate-limit",
      "10/1s",
    ])
    try {
      expect(cli.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      // Generous bound for a loaded CI box; the benchmark reports the real figure (well under 1 s).
      expect(cli.msToFirstLine).toBeLessThan(3000)
      const response = await fetch(`${cli.firstLine}/concepts/201826`, { headers: bearer("oh_cli_key_1") })
      expect(response.status).toBe(200)
      expect(response.headers.get("ratelimit-limit")).toBe("10")
      expect((await json(response)).data.concept_name).toBe("Type 2 diabetes mellitus")
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(cli.stderr()).toMatch(/GET \/v1\/concepts\/201826 200/)
      expect(cli.stderr()).not.toContain("oh_cli_key_1")
    } finally {
      expect(await cli.stop("SIGTERM")).toBe(0)
    }
  })

  it("lists every flag under --help", () => {
    const result = spawnSync(node, [cliPath, "--help"], { encoding: "utf8" })
    expect(result.status).toBe(0)
    for (const flag of [
      "--port",
      "--host",
      "--vocab",
      "--release",
      "--default-release",
      "--key",
      "--keys-file",
      "--invalid-key-status",
      "--rate-limit",
      "--daily-quota",
      "--reset-epoch",
      "--control",
      "--quiet",
      "--help",
    ]) {
      expect(result.stdout).toContain(flag)
    }
  })

  it("exits 2 with a clear message on bad flags", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--bogus"], /Unknown option '--bogus'/],
      [["--port", "abc"], /--port expects an integer/],
      [["--rate-limit", "ten"], /--rate-limit expects N\/WINDOW/],
      [["--invalid-key-status", "402"], /--invalid-key-status must be 401 or 403, got '402'/],
      [["--invalid-key-status", "500"], /--invalid-key-status must be 401 or 403, got '500'/],
      [["--invalid-key-status", "abc"], /--invalid-key-status must be 401 or 403, got 'abc'/],
    ]
    const results = await Promise.all(cases.map(([args]) => run([cliPath, ...args])))
    results.forEach((result, i) => {
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(cases[i]![1])
      expect(result.stdout).toBe("")
    })
  })

  it("exits 1 when the keys file lists no keys, rather than accept the public sandbox key", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sandbox-cli-keys-"))
    try {
      for (const [name, content] of [
        ["empty-object.json", '{"keys":[]}'],
        ["empty-array.json", "[]"],
      ] as const) {
        const file = path.join(dir, name)
        await writeFile(file, content)
        const result = await run([cliPath, "--keys-file", file, "--quiet"])
        expect(result.code).toBe(1)
        expect(result.stdout).toBe("")
        expect(result.stderr).toContain(`cannot start: Keys file ${file} lists no keys`)
        expect(result.stderr).not.toContain("No keys configured")
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("--host 0.0.0.0 prints a connectable loopback URL, and warns when the control routes are on", async () => {
    const cli = await spawnCli(node, [cliPath, "--host", "0.0.0.0", "--control", "--quiet"])
    try {
      expect(cli.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      const response = await fetch(`${cli.firstLine}/concepts/201826`, { headers: bearer("oh_sandbox_key") })
      expect(response.status).toBe(200)
      await waitFor(() => cli.stderr().includes("WARNING"))
      expect(cli.stderr()).toMatch(/listening on every interface \(0\.0\.0\.0\)/)
      expect(cli.stderr()).toMatch(/control routes \(\/_sandbox\/\*\) are enabled and unauthenticated/)
      expect(cli.stderr()).toMatch(/reachable on every interface/)
    } finally {
      expect(await cli.stop("SIGTERM")).toBe(0)
    }
  })

  it("prints no control warning for the default loopback bind", async () => {
    const cli = await spawnCli(node, [cliPath, "--control", "--quiet"])
    try {
      expect(cli.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      await waitFor(() => cli.stderr().includes("listening on"))
      expect(cli.stderr()).not.toContain("WARNING")
    } finally {
      expect(await cli.stop("SIGTERM")).toBe(0)
    }
  })

  it("exits 1 naming the problem when the vocabulary cannot be loaded", () => {
    const result = spawnSync(node, [cliPath, "--vocab", "/nonexistent/vocab/dir"], { encoding: "utf8" })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/cannot start/)
  })
})
