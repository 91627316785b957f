/** Shared helpers for the server-* and runtime-* suites: repo-relative paths and a small HTTP client. */
import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const packageDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..")
export const repoRoot = path.resolve(packageDir, "../..")
/** The shared Athena subset sits beside the repository (CI clones elsewhere, so never absolute). */
export const syntheaDir = path.resolve(repoRoot, "../shared/vocab/synthea27nj")
export const cliPath = path.join(packageDir, "src/cli.ts")

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` })

// biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
export const json = async (response: Response): Promise<any> => JSON.parse(await response.text())

export interface RunningCli {
  readonly child: ChildProcess
  /** First stdout line. */
  readonly firstLine: string
  readonly msToFirstLine: number
  stderr(): string
  /** Sends `signal` and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>
}

/** Spawns a sandbox CLI and waits for its first stdout line (the base URL). */
export const spawnCli = (command: string, args: readonly string[], timeoutMs = 20_000): Promise<RunningCli> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    const exited = new Promise<number | string>((done) =>
      child.once("exit", (code, signal) => done(code ?? signal ?? "unknown")),
    )
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`no URL line from ${command} within ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      const newline = stdout.indexOf("\n")
      if (newline === -1) return
      clearTimeout(timer)
      resolve({
        child,
        firstLine: stdout.slice(0, newline),
        msToFirstLine: performance.now() - started,
        stderr: () => stderr,
        stop: (signal = "SIGTERM") => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal)
          return exited
        },
      })
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited with ${code} before printing a URL; stderr: ${stderr}`))
    })
  })

/**
 * The real deno / bun executables from the workspace's npm packages. The node_modules/.bin shims
 * run them as a child of a wrapper, which would swallow the signals our tests send.
 */
export const runtimeBinary = (runtime: "deno" | "bun"): string => {
  const require = createRequire(path.join(repoRoot, "package.json"))
  const dir = path.dirname(require.resolve(`${runtime}/package.json`))
  return runtime === "deno" ? path.join(dir, "deno") : path.join(dir, "bin", "bun.exe")
}
