/**
 * Benchmark (not a test): requests/second of the sandbox on the synthea data versus a bare Hono route
 * served the same way (Node, @hono/node-server), plus CLI start-up time.
 *
 * - Every server runs in its own child process; autocannon runs here, so the load generator never
 *   shares a server's event loop.
 * - Same connection count for every target, a warm-up before each measured run, and the targets are
 *   measured in interleaved rounds (bare, concept, search, bare, ...) so machine noise shows up as
 *   spread between rounds instead of silently favouring one target.
 * - Each sandbox target is reported as a ratio to the bare route *of the same round*.
 * - On Linux the server process's CPU time (/proc/PID/stat) is sampled around every run: CPU per
 *   request is far steadier than req/s on a shared machine, and the bare route's CPU per request
 *   over the target's ("cpu ratio") is the throughput ratio the two would reach on an idle core.
 * - `--baseline-cli OTHER/src/cli.ts` serves a second sandbox (e.g. an unmodified copy of the
 *   package) and measures it in the same rounds, so before/after share the same noise.
 * - Results go to bench/results/throughput.json (git-ignored); `--compare FILE` prints the change
 *   against an earlier run.
 *
 * - `--unique` adds an informational target: the search with a unique extra query parameter on
 *   every request, so the server never sees a repeated request (what a search costs uncached).
 *
 * Usage: pnpm --filter @omophub/sandbox bench [--seconds 5] [--rounds 3] [--warmup 1]
 *        [--connections 10] [--startup-runs 5] [--out FILE] [--compare FILE] [--baseline-cli FILE]
 *        [--unique]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import autocannon from "autocannon"

const packageDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..")
const syntheaDir = path.resolve(packageDir, "../..", "../shared/vocab/synthea27nj")
const key = "oh_bench_key"

const argv = process.argv.slice(2)
const { values: flags } = parseArgs({
  // `pnpm … bench -- --rounds 5` passes the `--` through.
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "10" },
    "startup-runs": { type: "string", default: "5" },
    out: { type: "string", default: path.join(packageDir, "bench/results/throughput.json") },
    compare: { type: "string" },
    "baseline-cli": { type: "string" },
    unique: { type: "boolean", default: false },
  },
})
const seconds = Number(flags.seconds)
const rounds = Number(flags.rounds)
const warmupSeconds = Number(flags.warmup)
const connections = Number(flags.connections)
const startupRuns = Number(flags["startup-runs"])

interface Spawned {
  readonly child: ChildProcess
  readonly firstLine: string
  readonly msToFirstLine: number
}

const spawnServer = (args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Spawned> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: packageDir, env, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2000)
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const newline = out.indexOf("\n")
      if (newline !== -1)
        resolve({ child, firstLine: out.slice(0, newline), msToFirstLine: performance.now() - started })
    })
    child.once("exit", (code) =>
      reject(new Error(`server exited with ${code} before printing its URL:\n${err}`)),
    )
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

const sandboxArgs = (cli: string) => [cli, "--port", "0", "--vocab", syntheaDir, "--key", key, "--quiet"]
const auth = { Authorization: `Bearer ${key}` }

type ServerName = "hello" | "sandbox" | "baseline"

interface Target {
  readonly name: string
  readonly server: ServerName
  readonly path: string
  readonly headers: Record<string, string>
  /** A sanity check on one response before load, so a broken route cannot post a great figure. */
  readonly expect: (body: string) => boolean
  /**
   * Informational: every request carries a unique extra query parameter (which the route ignores),
   * so it never repeats an earlier request and the server cannot reuse an earlier answer.
   */
  readonly unique?: boolean
}

const sandboxTargets = (server: "sandbox" | "baseline"): Target[] => {
  const prefix = server === "baseline" ? "baseline: " : ""
  return [
    {
      name: `${prefix}GET /v1/concepts/201826`,
      server,
      path: "/concepts/201826",
      headers: auth,
      expect: (body) => body.includes('"concept_id":201826'),
    },
    {
      name: `${prefix}GET /v1/search/concepts?query=diabetes`,
      server,
      path: "/search/concepts?query=diabetes",
      headers: auth,
      expect: (body) => body.includes('"total_results":14') && body.includes('"concept_id":201826'),
    },
    // Not a target of the 50% goal: the cost of a search the server has not answered before.
    ...(flags.unique
      ? [
          {
            name: `${prefix}GET /v1/search/concepts?query=diabetes&n=N`,
            server,
            path: "/search/concepts?query=diabetes",
            headers: auth,
            expect: (body: string) =>
              body.includes('"total_results":14') && body.includes('"concept_id":201826'),
            unique: true,
          },
        ]
      : []),
  ]
}

const bare: Target = {
  name: "bare Hono GET /hello",
  server: "hello",
  path: "/hello",
  headers: {},
  expect: (body) => body.includes('"hello":"world"'),
}

const targets: readonly Target[] = [
  bare,
  ...sandboxTargets("sandbox"),
  ...(flags["baseline-cli"] === undefined ? [] : sandboxTargets("baseline")),
]

interface Sample {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly bad: number
  /** Server CPU time (user + system) per answered request, in microseconds; NaN off Linux. */
  readonly cpuUsPerRequest: number
}

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU seconds (user + system) used so far by a process, from /proc; NaN where there is none. */
const cpuSeconds = (pid: number | undefined): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond
  } catch {
    return Number.NaN
  }
}

let uniqueCounter = 0

const run = async (
  url: string,
  headers: Record<string, string>,
  duration: number,
  serverPid: number | undefined,
  unique = false,
): Promise<Sample> => {
  const cpuBefore = cpuSeconds(serverPid)
  const target = new URL(url)
  const basePath = `${target.pathname}${target.search}`
  const requests = unique
    ? [
        {
          setupRequest: (request: { path: string }) => ({
            ...request,
            path: `${basePath}&n=${uniqueCounter++}`,
          }),
        },
      ]
    : undefined
  const result = await autocannon({ url, connections, duration, headers, ...(requests ? { requests } : {}) })
  const cpuUsed = cpuSeconds(serverPid) - cpuBefore
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
    cpuUsPerRequest: (cpuUsed * 1e6) / Math.max(1, result.requests.total),
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

/** `compileCache: false` measures a first-ever start (the CLI caches compiled modules on disk). */
const startup = async (cli: string, runs: number, compileCache = true) => {
  const toLine: number[] = []
  const toFirstAnswer: number[] = []
  const env = compileCache ? process.env : { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" }
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const server = await spawnServer(sandboxArgs(cli), env)
    toLine.push(server.msToFirstLine)
    const response = await fetch(`${server.firstLine}/concepts/201826`, { headers: auth })
    if (response.status !== 200) throw new Error(`start-up probe got ${response.status}`)
    await response.arrayBuffer()
    toFirstAnswer.push(performance.now() - started)
    await stop(server.child)
  }
  return { runs, firstLineMs: median(toLine), firstAnswerMs: median(toFirstAnswer), toLine, toFirstAnswer }
}

interface TargetResult {
  readonly name: string
  readonly rounds: Sample[]
  /** Per round: this target's req/s over the bare route's req/s in the same round. */
  readonly ratios: number[]
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly ratio: number
  readonly bad: number
  readonly cpuUsPerRequest: number
  /** Median over rounds of the bare route's CPU per request over this target's. */
  readonly cpuRatio: number
}

const summarise = (name: string, samples: Sample[], bareSamples: Sample[]): TargetResult => {
  const ratios = samples.map((s, i) => s.rps / (bareSamples[i]?.rps ?? Number.NaN))
  const cpuRatios = samples.map((s, i) => (bareSamples[i]?.cpuUsPerRequest ?? Number.NaN) / s.cpuUsPerRequest)
  return {
    name,
    rounds: samples,
    ratios,
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    ratio: median(ratios),
    bad: samples.reduce((sum, s) => sum + s.bad, 0),
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
    cpuRatio: median(cpuRatios),
  }
}

type Startup = Awaited<ReturnType<typeof startup>>

interface Report {
  readonly date: string
  readonly node: string
  readonly cpus: string
  readonly loadAverageBefore: number[]
  readonly loadAverageAfter: number[]
  readonly settings: { seconds: number; rounds: number; warmupSeconds: number; connections: number }
  readonly targets: TargetResult[]
  readonly startup: Startup
  /** Start-up with the on-disk compile cache disabled, as on the very first run. */
  readonly startupWithoutCompileCache: Startup
  readonly baselineStartup?: Startup
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "-")

const describeStartup = (s: Startup) =>
  `first stdout line ${fixed(s.firstLineMs)} ms, first 200 answer ${fixed(s.firstAnswerMs)} ms`

const printReport = (report: Report, previous: Report | undefined) => {
  const { settings } = report
  console.log(
    `\nThroughput: ${settings.rounds} interleaved rounds x ${settings.seconds} s per target (+${settings.warmupSeconds} s warm-up), ` +
      `${settings.connections} connections, Node ${report.node}, ${report.cpus}`,
  )
  console.log(
    `load average before ${report.loadAverageBefore.map((l) => l.toFixed(2)).join(" ")}, after ${report.loadAverageAfter.map((l) => l.toFixed(2)).join(" ")}\n`,
  )
  const columns = [
    ["target", 52],
    ["req/s", 7],
    ["rounds (req/s)", 20],
    ["vs bare", 7],
    ["ratios", 15],
    ["p50 ms", 6],
    ["p99 ms", 6],
    ["bad", 4],
    ["cpu us/req", 10],
    ["cpu ratio", 9],
  ] as const
  const before = previous === undefined ? "" : `  | before: ${"req/s".padStart(6)} ratio cpu us/req cpu ratio`
  console.log(
    columns.map(([label, width], i) => (i === 0 ? label.padEnd(width) : label.padStart(width))).join(" ") +
      before,
  )
  for (const t of report.targets) {
    const old = previous?.targets.find((p) => p.name === t.name)
    const cells = [
      t.name.padEnd(52),
      fixed(t.rps).padStart(7),
      t.rounds
        .map((s) => fixed(s.rps))
        .join(" ")
        .padStart(20),
      fixed(t.ratio, 2).padStart(7),
      t.ratios
        .map((r) => fixed(r, 2))
        .join(" ")
        .padStart(15),
      fixed(t.p50).padStart(6),
      fixed(t.p99).padStart(6),
      String(t.bad).padStart(4),
      fixed(t.cpuUsPerRequest).padStart(10),
      fixed(t.cpuRatio, 2).padStart(9),
    ]
    const oldCells =
      old === undefined
        ? ""
        : `  | ${fixed(old.rps).padStart(14)} ${fixed(old.ratio, 2).padStart(5)} ${fixed(old.cpuUsPerRequest).padStart(10)} ${fixed(old.cpuRatio, 2).padStart(9)}`
    console.log(cells.join(" ") + oldCells)
  }
  console.log(
    `\nCLI start-up on synthea27nj (median of ${report.startup.runs}): ${describeStartup(report.startup)}`,
  )
  console.log(
    `  without the compile cache (first run): ${describeStartup(report.startupWithoutCompileCache)}`,
  )
  if (report.baselineStartup !== undefined)
    console.log(`baseline CLI start-up: ${describeStartup(report.baselineStartup)}`)
  if (previous !== undefined) console.log(`previous run start-up: ${describeStartup(previous.startup)}`)
}

const main = async () => {
  const previous =
    flags.compare === undefined ? undefined : (JSON.parse(await readFile(flags.compare, "utf8")) as Report)
  const loadAverageBefore = os.loadavg()
  const sandboxCli = path.join(packageDir, "src/cli.ts")
  const baselineCli = flags["baseline-cli"]
  const boot = await startup(sandboxCli, startupRuns)
  const coldBoot = await startup(sandboxCli, startupRuns, false)
  const baselineBoot = baselineCli === undefined ? undefined : await startup(baselineCli, startupRuns)
  const servers = new Map<ServerName, Spawned>()
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]))
  try {
    servers.set("hello", await spawnServer(["bench/hello-server.ts"]))
    servers.set("sandbox", await spawnServer(sandboxArgs(sandboxCli)))
    if (baselineCli !== undefined) servers.set("baseline", await spawnServer(sandboxArgs(baselineCli)))
    const serverOf = (target: Target) => servers.get(target.server)!
    const urlOf = (target: Target) => `${serverOf(target).firstLine}${target.path}`
    for (const target of targets) {
      const response = await fetch(urlOf(target), { headers: target.headers })
      const body = await response.text()
      if (response.status !== 200 || !target.expect(body)) {
        throw new Error(`${target.name} answered ${response.status}: ${body.slice(0, 200)}`)
      }
    }
    for (let round = 1; round <= rounds; round++) {
      for (const target of targets) {
        process.stderr.write(`round ${round}/${rounds}: ${target.name}\n`)
        const pid = serverOf(target).child.pid
        const unique = target.unique === true
        if (warmupSeconds > 0) await run(urlOf(target), target.headers, warmupSeconds, pid, unique)
        samples.get(target.name)?.push(await run(urlOf(target), target.headers, seconds, pid, unique))
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => stop(server.child)))
  }
  const bareSamples = samples.get(bare.name) ?? []
  const report: Report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown CPU"}`,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
    settings: { seconds, rounds, warmupSeconds, connections },
    targets: targets.map((t) => summarise(t.name, samples.get(t.name) ?? [], bareSamples)),
    startup: boot,
    startupWithoutCompileCache: coldBoot,
    ...(baselineBoot === undefined ? {} : { baselineStartup: baselineBoot }),
  }
  await mkdir(path.dirname(flags.out), { recursive: true })
  await writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`)
  printReport(report, previous)
  console.log(`\nResults written to ${path.relative(process.cwd(), flags.out)}`)
}

await main()
