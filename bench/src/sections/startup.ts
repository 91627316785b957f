/**
 * 5. Start-up: wall time from spawning a process to its first completed request (the moment it
 * prints the result), SDK process vs a process that only does a raw fetch, alternating, median of
 * several spawns per runtime.
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { configVariable } from "../lib/child.ts"
import { childDir, type RuntimeName, runtimeAvailable, runtimeCommand, runtimes } from "../lib/paths.ts"
import type { Figures } from "../lib/report.ts"
import { median, ratio, round } from "../lib/stats.ts"
import type { Mode, SectionResult } from "./types.ts"

/** Milliseconds from spawn to the first stdout line (the completed request); waits for the exit too. */
const timeToFirstLine = (runtime: RuntimeName, script: string, config: unknown): Promise<number> =>
  new Promise((resolve, reject) => {
    const [command, ...args] = runtimeCommand(runtime, path.join(childDir, script))
    const started = performance.now()
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, [configVariable]: JSON.stringify(config), NO_COLOR: "1" },
    })
    let firstLineMs: number | undefined
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (firstLineMs === undefined && chunk.includes("\n")) firstLineMs = performance.now() - started
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.once("error", reject)
    child.once("close", (code) => {
      if (code !== 0 || firstLineMs === undefined || !stdout.includes('"conceptId":')) {
        reject(new Error(`${runtime} ${script} failed (${code}): ${stderr.trim().slice(-1000)}`))
      } else resolve(firstLineMs)
    })
  })

export const runStartup = async (url: string, key: string, mode: Mode): Promise<SectionResult> => {
  const spawns = mode === "full" ? 7 : 1
  const config = { url, key, conceptId: 201826 }
  const figures: Figures = {}
  const details: Record<string, unknown> = {}
  for (const runtime of runtimes) {
    if (!runtimeAvailable(runtime)) {
      details[runtime] = { skipped: "runtime binary not installed" }
      continue
    }
    // One untimed spawn of each warms the OS file cache (and Deno's module cache).
    await timeToFirstLine(runtime, "startup-sdk.ts", config)
    await timeToFirstLine(runtime, "startup-raw.ts", config)
    const sdk: number[] = []
    const raw: number[] = []
    for (let i = 0; i < spawns; i++) {
      if (i % 2 === 0) {
        sdk.push(await timeToFirstLine(runtime, "startup-sdk.ts", config))
        raw.push(await timeToFirstLine(runtime, "startup-raw.ts", config))
      } else {
        raw.push(await timeToFirstLine(runtime, "startup-raw.ts", config))
        sdk.push(await timeToFirstLine(runtime, "startup-sdk.ts", config))
      }
    }
    const sdkMs = round(median(sdk), 1)
    const rawMs = round(median(raw), 1)
    details[runtime] = { spawns, sdkMs: sdk.map((v) => round(v, 1)), rawMs: raw.map((v) => round(v, 1)) }
    figures[`startup.${runtime}.ratio`] = {
      value: ratio(sdkMs, rawMs),
      unit: "SDK/raw",
      note: `SDK ${sdkMs} ms, raw fetch ${rawMs} ms (median of ${spawns})`,
    }
    figures[`startup.${runtime}.extra_ms`] = { value: round(sdkMs - rawMs, 1), unit: "ms" }
  }
  return { figures, details }
}
