// The short CI version of the soak run: `node bench/soak.ts --calls 2000` as a child process. It must
// pass its own checks (exit 0), account for every call, and exit by itself soon after printing its
// summary: a timer or socket left open would keep it alive.
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const calls = 2000

interface Summary {
  readonly calls: number
  readonly outcomes: Readonly<Record<string, number>>
  readonly requests: number
  readonly faultsQueued: number
  readonly faultedRequests: number
  readonly unsafeCallsWithoutKey: number
  readonly duplicateReplays: number
  readonly violations: ReadonlyArray<string>
}

describe("soak (short)", () => {
  it(`runs ${calls} faulted calls and exits on its own`, { timeout: 90_000 }, async () => {
    const child = spawn(process.execPath, ["bench/soak.ts", "--calls", String(calls), "--seed", "7"], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    let summaryAt: number | undefined
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      if (summaryAt === undefined && stdout.includes("SOAK_SUMMARY")) summaryAt = performance.now()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    const exitedAt = performance.now()

    expect(code, `${stdout}\n${stderr}`).toBe(0)
    expect(stdout).toContain("SOAK PASS")
    // Nothing may keep the process alive after the work is done.
    expect(summaryAt).toBeDefined()
    expect(exitedAt - summaryAt!).toBeLessThan(3000)

    const line = stdout.split("\n").find((l) => l.startsWith("SOAK_SUMMARY "))!
    const summary = JSON.parse(line.slice("SOAK_SUMMARY ".length)) as Summary
    expect(summary.calls).toBe(calls)
    expect(Object.values(summary.outcomes).reduce((a, b) => a + b, 0)).toBe(calls)
    expect(summary.outcomes.UNEXPECTED).toBeUndefined()
    expect(summary.outcomes.ok).toBeGreaterThan(calls * 0.9)
    expect(summary.violations).toEqual([])
    expect(summary.duplicateReplays).toBe(0)
    // The run really was faulted, and really sent unsafe POSTs.
    expect(summary.faultsQueued).toBeGreaterThan(calls * 0.02)
    expect(summary.faultedRequests).toBeGreaterThan(0)
    expect(summary.unsafeCallsWithoutKey).toBeGreaterThan(50)
    expect(summary.requests).toBeGreaterThan(calls * 0.5)
  })
})
