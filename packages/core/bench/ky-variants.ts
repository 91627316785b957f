// Client CPU per call over real HTTP for the ways of calling ky (and the transport, the pipeline and
// the client above it), in interleaved rounds; the median round per variant, and its ratio to raw
// fetch. Runs under Node and Deno (and Bun):
//   node bench/ky-variants.ts
//   deno run -A --config=../../bench/deno.json bench/ky-variants.ts
// SANDBOX_URL=<base url> uses a running sandbox instead of starting one; ONLY=a,b picks variants
// (raw always runs); R rounds of N calls (default 6 x 400).
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import ky from "ky"
import { makeKyTransport } from "../src/http/KyTransport.ts"
import { Concepts, createClient, layer, RequestPipeline } from "../src/index.ts"

const sandboxCli = path.resolve(
  path.dirname(fileURLToPath(import.meta.resolve("@omophub/sandbox"))),
  "cli.ts",
)
const vocab = path.resolve(path.dirname(sandboxCli), "../../..", "../shared/vocab/synthea27nj")
const apiKey = "oh_bench_key_000001"
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
const external = process.env.SANDBOX_URL
const { url, child } = external ? { url: external, child: undefined } : await startSandbox()
const target = `${url}/concepts/201826`
const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json", "user-agent": "x/1" }
const text = async (r: Response) => r.text()
const client = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated", batching: false })
const clientB = createClient({ apiKey, baseUrl: url, rateLimitState: "isolated" })
const transport = makeKyTransport()
const runtime = ManagedRuntime.make(
  layer({ apiKey, baseUrl: url, rateLimitState: "isolated", batching: false }) as never,
)
const pipeline = (await runtime.runPromise(Effect.service(RequestPipeline) as never)) as {
  execute: (...a: unknown[]) => never
}
const variants: Record<string, () => Promise<unknown>> = {
  "managedRuntime(transport)": () =>
    runtime.runPromise(
      Effect.map(transport.send({ method: "GET", url: target, headers }), (r) => r.body) as never,
    ),
  "managedRuntime(pipeline.execute)": () =>
    runtime.runPromise(pipeline.execute(Concepts.get, { conceptId: 201826 })),
  "Effect.runPromise(pipeline.execute)": () =>
    Effect.runPromise(pipeline.execute(Concepts.get, { conceptId: 201826 })),
  transport: () =>
    Effect.runPromise(transport.send({ method: "GET", url: target, headers })).then((r) => r.body),
  "sdk batching off": () => client.concepts.get(201826),
  "sdk batching on": () => clientB.concepts.get(201826),
  raw: async () => text(await fetch(target, { headers })),
  "raw+signal": async () => text(await fetch(target, { headers, signal: new AbortController().signal })),
  "ky, headers in ky, signal at fetch (old)": async () => {
    const signal = new AbortController().signal
    const f = (i: Request | URL | string, init?: RequestInit) =>
      globalThis.fetch(i, init === undefined ? { signal } : { ...init, signal })
    return text(await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers, fetch: f }))
  },
  "ky, headers+signal at fetch (new)": async () => {
    const init = { headers, signal: new AbortController().signal }
    const f = (i: Request | URL | string) => globalThis.fetch(i, init)
    return text(await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, fetch: f }))
  },
  "ky wrapper + readHeaders": async () => {
    const signal = new AbortController().signal
    const f = (i: Request | URL | string, init?: RequestInit) =>
      globalThis.fetch(i, init === undefined ? { signal } : { ...init, signal })
    const r = await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers, fetch: f })
    const record: Record<string, string> = {}
    r.headers.forEach((v, k) => {
      record[k] = v
    })
    return [record, await r.text()]
  },
  "runPromise(tryPromise(ky wrapper))": () =>
    Effect.runPromise(
      Effect.tryPromise({
        try: async (signal: AbortSignal) => {
          const f = (i: Request | URL | string, init?: RequestInit) =>
            globalThis.fetch(i, init === undefined ? { signal } : { ...init, signal })
          return text(
            await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers, fetch: f }),
          )
        },
        catch: (e) => e,
      }),
    ),
  "ky signal option": async () => {
    const signal = new AbortController().signal
    return text(await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers, signal }))
  },
  "ky signal option + fetch passthrough": async () => {
    const signal = new AbortController().signal
    return text(
      await ky(target, {
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        headers,
        signal,
        fetch: (i, init) => globalThis.fetch(i, init),
      }),
    )
  },
  "ky fetch-wrapper returns fetch(url,{headers,signal}) ignoring Request": async () => {
    const signal = new AbortController().signal
    const f = (i: Request | URL | string) => globalThis.fetch((i as Request).url, { headers, signal })
    return text(await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers, fetch: f }))
  },
}
const only = process.env.ONLY?.split(",")
const names = Object.keys(variants).filter(
  (n) => n === "raw" || only === undefined || only.some((o) => n.includes(o)),
)
const rounds = Number(process.env.R ?? 6),
  per = Number(process.env.N ?? 400)
for (const n of names) for (let i = 0; i < 300; i++) await variants[n]!()
const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
for (let r = 0; r < rounds; r++) {
  for (const n of r % 2 ? [...names].reverse() : names) {
    const c = process.cpuUsage()
    for (let i = 0; i < per; i++) await variants[n]!()
    const u = process.cpuUsage(c)
    cpu[n]!.push((u.user + u.system) / per)
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!
const base = med(cpu.raw!)
for (const n of names)
  console.log(`${med(cpu[n]!).toFixed(0).padStart(5)} µs  ${(med(cpu[n]!) / base).toFixed(2)}x  ${n}`)
child?.kill("SIGTERM")
await client.close()
await clientB.close()
