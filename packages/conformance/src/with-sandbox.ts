/**
 * `node with-sandbox.ts <command> [args...]`: starts the sandbox, runs the command with
 * `OMOPHUB_API_URL` and `OMOPHUB_API_KEY` pointing at it (how Deno and Bun test runs receive it),
 * stops the sandbox and exits with the command's status.
 *
 * @module
 */
import { spawn } from "node:child_process"
import { startSandbox } from "./harness.ts"

const [command, ...args] = process.argv.slice(2)
if (command === undefined) {
  console.error("usage: node with-sandbox.ts <command> [args...]")
  process.exit(2)
}

const sandbox = await startSandbox()
const child = spawn(command, args, {
  stdio: "inherit",
  env: { ...process.env, OMOPHUB_API_URL: sandbox.apiUrl, OMOPHUB_API_KEY: sandbox.apiKey },
})
const code = await new Promise<number>((resolve) => {
  child.on("error", (error) => {
    console.error(`could not run ${command}: ${error.message}`)
    resolve(127)
  })
  child.on("close", (status, signal) => resolve(status ?? (signal === null ? 1 : 128)))
})
await sandbox.close()
process.exit(code)
