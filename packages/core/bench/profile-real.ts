// Real-loop profile: the sandbox in a child process, the client here; run with
// `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-real.ts` (PROF_VARIANT=sdk|transport|ky|raw,
// PROF_CALLS=3000). Prints CPU µs per call; analyse the profile with `node bench/profile-summary.ts FILE`.
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
const calls = Number(process.env.PROF_CALLS ?? 3000)
const variant = process.env.PROF_VARIANT ?? "sdk"

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
  const client = createClient({
    apiKey,
    baseUrl: url,
    rateLimitState: "isolated",
    batching: variant === "sdk-batched",
  })
  const transport = makeKyTransport()
  const variants: Record<string, () => Promise<unknown>> = {
    raw: async () => JSON.parse(await (await fetch(target, { headers })).text()),
    ky: async () =>
      JSON.parse(
        await (await ky(target, { retry: 0, timeout: false, throwHttpErrors: false, headers })).text(),
      ),
    transport: () =>
      Effect.runPromise(
        Effect.map(transport.send({ method: "GET", url: target, headers }), (r) => JSON.parse(r.body)),
      ),
    sdk: () => client.concepts.get(201826),
    "sdk-batched": () => client.concepts.get(201826),
  }
  const f = variants[variant]!
  for (let i = 0; i < 500; i++) await f()
  const c = process.cpuUsage()
  for (let i = 0; i < calls; i++) await f()
  const u = process.cpuUsage(c)
  console.log(`${variant}: ${Math.round((u.user + u.system) / calls)} µs CPU/call`)
  await client.close()
} finally {
  child.kill("SIGTERM")
}
