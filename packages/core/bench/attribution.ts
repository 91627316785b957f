// Attribution of the per-call overhead over real HTTP: each variant adds one layer between raw
// fetch and the SDK (a signal; a Request object; ky given the headers; ky with the headers handed to
// fetch, as the SDK's transport calls it; that transport run by Effect; the whole client), measured
// in interleaved rounds against the sandbox in a child process. Shows how much of the SDK/raw ratio
// is ky's alone (the floor while HTTP goes through ky).
//   node bench/attribution.ts   (ATT_ROUNDS=6 ATT_PER_ROUND=300)
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import ky from "ky"
import { makeKyTransport } from "../src/http/KyTransport.ts"
import { createClient, userAgent } from "../src/index.ts"

const sandboxCli = path.resolve(
  path.dirname(fileURLToPath(import.meta.resolve("@omophub/sandbox"))),
  "cli.ts",
)
const repoRoot = path.resolve(path.dirname(sandboxCli), "../../..")
const vocab = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
const apiKey = "oh_bench_key_000001"
const rounds = Number(process.env.ATT_ROUNDS ?? 6)
const perRound = Number(process.env.ATT_PER_ROUND ?? 300)

const startSandbox = (): Promise<{ readonly url: string; readonly child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [sandboxCli, "--vocab", vocab, "--key", apiKey, "--quiet"], {
      stdio: ["ignore", "pipe", "inherit"],
    })
    let buffered = ""
    child.stdout!.setEncoding("utf8")
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk
      const newline = buffered.indexOf("\n")
      if (newline !== -1) resolve({ url: buffered.slice(0, newline).trim(), child })
    })
    child.once("error", reject)
  })

const { url, child } = await startSandbox()
try {
  const target = `${url}/concepts/201826`
  const headers = {
    authorization: `Bearer ${apiKey}`,
    accept: "application/json",
    "user-agent": userAgent(undefined),
  }
  const policies = { retry: 0, timeout: false, throwHttpErrors: false } as const
  const batchingOn = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated" })
  const batchingOff = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated", batching: false })
  const transport = makeKyTransport()
  const variants: Record<string, () => Promise<unknown>> = {
    "raw fetch": async () => JSON.parse(await (await fetch(target, { headers })).text()),
    "fetch+signal": async () => {
      const signal = new AbortController().signal
      return JSON.parse(await (await fetch(target, { headers, signal })).text())
    },
    "fetch(Request)+signal": async () => {
      const signal = new AbortController().signal
      return JSON.parse(await (await fetch(new Request(target, { headers }), { signal })).text())
    },
    "ky (headers to ky)": async () => {
      const signal = new AbortController().signal
      const r = await ky(target, { ...policies, headers, fetch: (i, init) => fetch(i, { ...init, signal }) })
      return JSON.parse(await r.text())
    },
    // The form the SDK's transport uses: ky builds its Request without the headers; they go to
    // fetch with the signal (fetch makes its own Request from ky's either way).
    "ky (headers at fetch)": async () => {
      const init = { headers, signal: new AbortController().signal }
      const r = await ky(target, { ...policies, fetch: (i) => fetch(i, init) })
      return JSON.parse(await r.text())
    },
    "SDK transport alone": () =>
      Effect.runPromise(
        Effect.map(transport.send({ method: "GET", url: target, headers }), (r) => JSON.parse(r.body)),
      ),
    "sdk batching off": () => batchingOff.concepts.get(201826),
    "sdk batching on": () => batchingOn.concepts.get(201826),
  }
  const names = Object.keys(variants)
  for (const name of names) for (let i = 0; i < 200; i++) await variants[name]!()
  const times: Record<string, Array<number>> = Object.fromEntries(names.map((n) => [n, []]))
  const cpu: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const f = variants[name]!
      const c = process.cpuUsage()
      for (let i = 0; i < perRound; i++) {
        const t = performance.now()
        await f()
        times[name]!.push(performance.now() - t)
      }
      const u = process.cpuUsage(c)
      cpu[name]! += u.user + u.system
    }
  }
  const q = (v: Array<number>, p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * v.length)]!
  const rawMedian = q(times["raw fetch"]!, 0.5)
  const table: Record<string, unknown> = {}
  for (const name of names) {
    const med = q(times[name]!, 0.5)
    table[name] = {
      "median ms": +med.toFixed(3),
      "p99 ms": +q(times[name]!, 0.99).toFixed(3),
      "x raw": +(med / rawMedian).toFixed(2),
      "client CPU µs/call": Math.round(cpu[name]! / (rounds * perRound)),
    }
  }
  console.table(table)
  await batchingOn.close()
  await batchingOff.close()
} finally {
  child.kill("SIGTERM")
}
