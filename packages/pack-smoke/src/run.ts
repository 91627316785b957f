/**
 * Child processes for the release checks: run a command to completion, or start a long-running
 * one and wait for its first stdout line.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process"

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly cwd: string
  readonly env?: NodeJS.ProcessEnv
}

/** Runs `command args` to completion; never throws for a non-zero exit (the caller asserts). */
export const run = (command: string, args: ReadonlyArray<string>, options: RunOptions): Promise<RunResult> =>
  new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on("error", (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` }))
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr }),
    )
  })

/** A started process group and its first stdout line. */
export interface Started {
  readonly firstLine: string
  readonly stop: () => Promise<void>
}

/**
 * Starts `command args` in its own process group (so `npx` and the node process it spawns stop
 * together) and resolves with the first stdout line; rejects if it exits first.
 */
export const startProcess = (
  command: string,
  args: ReadonlyArray<string>,
  options: RunOptions,
): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    })
    let stdout = ""
    let stderr = ""
    let settled = false
    const exited = new Promise<void>((done) => child.on("close", () => done()))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM")
        } catch {
          // already gone
        }
      }
      await exited
    }
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      const newline = stdout.indexOf("\n")
      if (!settled && newline >= 0) {
        settled = true
        resolve({ firstLine: stdout.slice(0, newline).trim(), stop })
      }
    })
    child.on("error", (error) => {
      if (!settled) {
        settled = true
        reject(error)
      }
    })
    child.on("close", (code) => {
      if (!settled) {
        settled = true
        reject(new Error(`${command} exited with ${code} before printing a line: ${stderr}`))
      }
    })
  })
