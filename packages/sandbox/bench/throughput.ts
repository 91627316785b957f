/**
 * Benchmark (not a test): requests/second of the sandbox on the synthea data versus a bare Hono route
 * served the same way, plus CLI start-up time. Servers run in child processes so the load generator
 * does not share their event loop. Usage: pnpm --filter @omophub/sandbox bench [seconds-per-target]
 */
import { type ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import autocannon from "autocannon"

const packageDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..")
const syntheaDir = path.resolve(packageDir, "../..", "../shared/vocab/synthea27nj")
const seconds = Number(process.argv[2] ?? 5)
const key = "oh_bench_key"

interface Spawned {
  readonly child: ChildProcess
  readonly firstLine: string
  readonly msToFirstLine: number
}

const spawnServer = (args: readonly string[]): Promise<Spawned> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const newline = out.indexOf("\n")
      if (newline !== -1)
        resolve({ child, firstLine: out.slice(0, newline), msToFirstLine: performance.now() - started })
    })
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before printing its URL`)))
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

const sandboxArgs = ["src/cli.ts", "--port", "0", "--vocab", syntheaDir, "--key", key, "--quiet"]

interface Row {
  readonly target: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly errors: number
}

const load = async (target: string, url: string, headers: Record<string, string> = {}): Promise<Row> => {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers })
  const bad = result.non2xx + result.errors + result.timeouts
  return {
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: bad,
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

const startup = async (runs: number) => {
  const toLine: number[] = []
  const toFirstAnswer: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const server = await spawnServer(sandboxArgs)
    toLine.push(server.msToFirstLine)
    const response = await fetch(`${server.firstLine}/concepts/201826`, {
      headers: { Authorization: `Bearer ${key}` },
    })
    if (response.status !== 200) throw new Error(`start-up probe got ${response.status}`)
    await response.arrayBuffer()
    toFirstAnswer.push(performance.now() - started)
    await stop(server.child)
  }
  return { line: median(toLine), answer: median(toFirstAnswer) }
}

const main = async () => {
  const boot = await startup(5)
  const hello = await spawnServer(["bench/hello-server.ts"])
  const sandbox = await spawnServer(sandboxArgs)
  const auth = { Authorization: `Bearer ${key}` }
  const rows: Row[] = []
  try {
    rows.push(await load("bare Hono GET /hello (ceiling)", `${hello.firstLine}/hello`))
    rows.push(await load("sandbox GET /v1/concepts/201826", `${sandbox.firstLine}/concepts/201826`, auth))
    rows.push(
      await load(
        "sandbox GET /v1/search/concepts?query=diabetes",
        `${sandbox.firstLine}/search/concepts?query=diabetes`,
        auth,
      ),
    )
  } finally {
    await Promise.all([stop(hello.child), stop(sandbox.child)])
  }
  const ceiling = rows[0]?.rps ?? Number.NaN
  console.log(`\nThroughput (${seconds} s per target, 10 connections, Node ${process.version})\n`)
  console.log(
    `${"target".padEnd(50)} ${"req/s".padStart(9)} ${"vs ceiling".padStart(10)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"non-2xx/err".padStart(11)}`,
  )
  for (const row of rows) {
    console.log(
      `${row.target.padEnd(50)} ${row.rps.toFixed(0).padStart(9)} ${(row.rps / ceiling).toFixed(2).padStart(10)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${String(row.errors).padStart(11)}`,
    )
  }
  console.log(
    `\nCLI start-up on synthea27nj (median of 5): first stdout line ${boot.line.toFixed(0)} ms, first 200 answer ${boot.answer.toFixed(0)} ms`,
  )
}

await main()
