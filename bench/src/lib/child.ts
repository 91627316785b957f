/** Runs one child script (any runtime) with a JSON configuration and reads its JSON result. */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { childDir, type RuntimeName, runtimeCommand } from "./paths.ts"

/** The configuration reaches the child in this environment variable; the result is its last stdout line. */
export const configVariable = "OMOPHUB_BENCH_CONFIG"

export interface ChildRun<T> {
  readonly result: T
  /** Wall time from spawn to exit, as seen by the parent. */
  readonly wallMs: number
}

export const runChild = <T>(
  runtime: RuntimeName,
  script: string,
  config: unknown,
  options: { readonly nodeArgs?: ReadonlyArray<string> } = {},
): Promise<ChildRun<T>> =>
  new Promise((resolve, reject) => {
    const [command, ...args] = runtimeCommand(runtime, path.join(childDir, script))
    const finalArgs = runtime === "node" && options.nodeArgs ? [...options.nodeArgs, ...args] : args
    const started = performance.now()
    const child = spawn(command, finalArgs, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, [configVariable]: JSON.stringify(config), NO_COLOR: "1" },
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.once("error", reject)
    child.once("close", (code) => {
      const wallMs = performance.now() - started
      const last = stdout.trim().split("\n").at(-1) ?? ""
      if (code !== 0) {
        reject(new Error(`${runtime} ${script} exited with ${code}: ${stderr.trim().slice(-2000)}`))
        return
      }
      try {
        resolve({ result: JSON.parse(last) as T, wallMs })
      } catch {
        reject(
          new Error(
            `${runtime} ${script} printed no JSON result: ${stdout.slice(-500)} ${stderr.slice(-500)}`,
          ),
        )
      }
    })
  })
