/**
 * 5. Start-up: wall time from spawning a process to its first completed request (the moment it
 * prints the result), SDK process vs a process that only does a raw fetch, alternating, median of
 * several spawns per runtime. The compared figure loads the adapter as published (built `dist/`
 * JavaScript in a temporary project, see `lib/published.ts`) with an explicit `apiKey`; the
 * workspace TypeScript sources and, under Node, the default credential chain (key from the
 * environment, key from the credentials file) are measured alongside.
 */
import { spawn } from "node:child_process"
import { chmodSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { configVariable } from "../lib/child.ts"
import {
  benchDir,
  childDir,
  type RuntimeName,
  repoRoot,
  runtimeAvailable,
  runtimeCommand,
  runtimes,
} from "../lib/paths.ts"
import { preparePublished } from "../lib/published.ts"
import type { Figures } from "../lib/report.ts"
import { median, ratio, round } from "../lib/stats.ts"
import type { Mode, SectionResult } from "./types.ts"

interface Spawn {
  readonly runtime: RuntimeName
  readonly script: string
  /** Where the script runs from: the workspace (`bench/src/child`) or the published project. */
  readonly from: "workspace" | "published"
  readonly config: unknown
  readonly env?: Readonly<Record<string, string>>
}

const childScripts = ["common.ts", "startup-sdk.ts", "startup-raw.ts"] as const
let publishedDir = ""

const commandOf = (spec: Spawn): { argv: [string, ...string[]]; cwd: string } => {
  if (spec.from === "workspace") {
    return { argv: runtimeCommand(spec.runtime, path.join(childDir, spec.script)), cwd: benchDir }
  }
  const script = path.join(publishedDir, spec.script)
  if (spec.runtime === "deno") {
    const deno = path.join(repoRoot, "node_modules", ".bin", "deno")
    return {
      argv: [deno, "run", "-A", "--quiet", "--node-modules-dir=manual", script],
      cwd: publishedDir,
    }
  }
  return { argv: runtimeCommand(spec.runtime, script), cwd: publishedDir }
}

/** Milliseconds from spawn to the first stdout line (the completed request); waits for the exit too. */
const timeToFirstLine = (spec: Spawn): Promise<number> =>
  new Promise((resolve, reject) => {
    const { argv, cwd } = commandOf(spec)
    const [command, ...args] = argv
    const env: Record<string, string | undefined> = { ...process.env }
    // Nothing from the caller's environment may feed the credential chain.
    for (const name of [
      "OMOPHUB_API_KEY",
      "OMOPHUB_CREDENTIALS_FILE",
      "OMOPHUB_PROFILE",
      "OMOPHUB_API_URL",
    ]) {
      delete env[name]
    }
    const started = performance.now()
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...env, ...spec.env, [configVariable]: JSON.stringify(spec.config), NO_COLOR: "1" },
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
        reject(
          new Error(
            `${spec.runtime} ${spec.from} ${spec.script} failed (${code}): ${stderr.trim().slice(-1000)}`,
          ),
        )
      } else resolve(firstLineMs)
    })
  })

/**
 * Spawns every variant once untimed (file cache, Deno's module cache), then `spawns` rounds of all
 * of them, the order rotating each round so that no variant always runs first; medians in ms.
 */
const measure = async <K extends string>(
  variants: Readonly<Record<K, Spawn>>,
  spawns: number,
): Promise<Record<K, ReadonlyArray<number>>> => {
  const names = Object.keys(variants) as K[]
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>
  for (const name of names) await timeToFirstLine(variants[name])
  for (let round = 0; round < spawns; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as K
      times[name].push(await timeToFirstLine(variants[name]))
    }
  }
  return times
}

export const runStartup = async (url: string, key: string, mode: Mode): Promise<SectionResult> => {
  const spawns = mode === "full" ? 7 : 1
  const config = { url, key, conceptId: 201826 }
  const figures: Figures = {}
  const details: Record<string, unknown> = {}
  const prepared = performance.now()
  const published = preparePublished(childScripts)
  publishedDir = published.dir
  details.publishedBuildMs = Math.round(performance.now() - prepared)
  const credentialsFile = path.join(published.dir, "credentials")
  writeFileSync(credentialsFile, `[default]\napi_key = ${key}\n`)
  chmodSync(credentialsFile, 0o600)
  try {
    for (const runtime of runtimes) {
      if (!runtimeAvailable(runtime)) {
        details[runtime] = { skipped: "runtime binary not installed" }
        continue
      }
      const base = { runtime, config } as const
      const variants: Record<string, Spawn> = {
        raw: { ...base, script: "startup-raw.ts", from: "published" },
        built: { ...base, script: "startup-sdk.ts", from: "published" },
        sources: { ...base, script: "startup-sdk.ts", from: "workspace" },
      }
      if (runtime === "node") {
        variants.chainEnv = {
          ...base,
          config: { ...config, keyFrom: "env" },
          script: "startup-sdk.ts",
          from: "published",
          env: { OMOPHUB_API_KEY: key },
        }
        if (published.nodeBundle !== undefined) {
          variants.bundled = {
            ...base,
            script: "startup-sdk.ts",
            from: "published",
            env: { OMOPHUB_BENCH_SDK: published.nodeBundle },
          }
        }
        variants.chainFile = {
          ...base,
          config: { ...config, keyFrom: "file" },
          script: "startup-sdk.ts",
          from: "published",
          env: { OMOPHUB_CREDENTIALS_FILE: credentialsFile },
        }
      }
      const times = await measure(variants, spawns)
      const med = Object.fromEntries(
        Object.entries(times).map(([name, list]) => [name, round(median(list), 1)]),
      ) as Record<string, number>
      const rawMs = med.raw as number
      const builtMs = med.built as number
      const sourcesMs = med.sources as number
      details[runtime] = {
        spawns,
        ms: Object.fromEntries(
          Object.entries(times).map(([name, list]) => [name, list.map((v) => round(v, 1))]),
        ),
      }
      figures[`startup.${runtime}.ratio`] = {
        value: ratio(builtMs, rawMs),
        unit: "SDK/raw",
        note: `published build (dist JS), apiKey option: SDK ${builtMs} ms, raw fetch ${rawMs} ms (median of ${spawns})`,
      }
      figures[`startup.${runtime}.extra_ms`] = { value: round(builtMs - rawMs, 1), unit: "ms" }
      figures[`startup.${runtime}.sources_extra_ms`] = {
        value: round(sourcesMs - rawMs, 1),
        unit: "ms",
        note: `workspace TypeScript sources: SDK ${sourcesMs} ms (${ratio(sourcesMs, rawMs)}x raw)`,
      }
      if (runtime === "node" && med.bundled !== undefined) {
        figures["startup.node.bundled_extra_ms"] = {
          value: round(med.bundled - rawMs, 1),
          unit: "ms",
          note: `the same adapter bundled into one module (esbuild): SDK ${med.bundled} ms (${ratio(med.bundled, rawMs)}x raw)`,
        }
      }
      if (runtime === "node") {
        const envMs = med.chainEnv as number
        const fileMs = med.chainFile as number
        figures["startup.node.default_chain_env_extra_ms"] = {
          value: round(envMs - builtMs, 1),
          unit: "ms",
          note: `no apiKey, key in OMOPHUB_API_KEY: SDK ${envMs} ms; vs the apiKey option`,
        }
        figures["startup.node.default_chain_file_extra_ms"] = {
          value: round(fileMs - builtMs, 1),
          unit: "ms",
          note: `no apiKey, key in the credentials file: SDK ${fileMs} ms; vs the apiKey option`,
        }
      }
    }
  } finally {
    published.remove()
  }
  return { figures, details }
}
