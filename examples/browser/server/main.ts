/**
 * Starts the example: a local sandbox (or the real API), the page, `/config` and `/token`.
 *
 *   node server/main.ts                      # sandbox with its built-in vocabulary, Vite dev server
 *   node server/main.ts --vocab DIR          # sandbox over an Athena vocabulary download
 *   node server/main.ts --dist               # build the page with Vite, then serve the production bundle
 *   node server/main.ts --port 8080          # default 5173; 0 picks a free port
 *   OMOPHUB_API_URL=... OMOPHUB_API_KEY=... node server/main.ts   # the real API (see the README)
 *
 * The first line on stdout is the URL to open. Exit codes: 1 an error (one line with a hint),
 * 2 a usage error. The server also stops when the process that started it goes away (pnpm does not
 * pass SIGTERM on).
 */
import { parseArgs } from "node:util"
import { type AppServerOptions, appRoot, startAppServer } from "./app-server.ts"
import type { BackendOptions } from "./backend.ts"

const usage = "usage: node server/main.ts [--vocab DIR] [--port N] [--host H] [--dist]"

const parse = () => {
  try {
    // `pnpm start -- --port 0` passes the `--` through: drop it.
    const args = process.argv.slice(2)
    return parseArgs({
      args: args[0] === "--" ? args.slice(1) : args,
      options: {
        vocab: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        dist: { type: "boolean" },
        help: { type: "boolean" },
      },
    }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    process.exit(2)
  }
}

const flags = parse()
if (flags.help) {
  console.log(usage)
  process.exit(0)
}
const port = flags.port === undefined ? 5173 : Number(flags.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535\n${usage}`)
  process.exit(2)
}

// OMOPHUB_API_URL set: that server, else a local sandbox. The key must come from OMOPHUB_API_KEY
// here (no keychain lookup): `/token` hands it to the page, which should be a deliberate choice.
const apiUrl = process.env.OMOPHUB_API_URL
const apiKey = process.env.OMOPHUB_API_KEY
if (apiUrl && !apiKey) {
  console.error(
    `OMOPHUB_API_URL is set but OMOPHUB_API_KEY is not: this example needs both for an API\n${usage}`,
  )
  process.exit(2)
}
const backend: BackendOptions =
  apiUrl && apiKey ? { kind: "api", apiUrl, apiKey } : { kind: "sandbox", vocab: flags.vocab }
if (backend.kind === "api" && flags.vocab !== undefined) {
  console.error("--vocab applies to the local sandbox; it is ignored with OMOPHUB_API_URL")
}

const hints: Record<string, string> = {
  VocabularyLoadError: "--vocab takes a directory with the Athena vocabulary CSV files",
  EADDRINUSE: "the port is taken: pick another with --port N (0 for a free one)",
}
/** One line, `Tag code: message`, and a hint; never a stack trace nor the key. */
const fail = (error: unknown): never => {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>
  const tag = typeof e._tag === "string" ? e._tag : typeof e.name === "string" ? e.name : "Error"
  const code = typeof e.code === "string" ? ` ${e.code}` : ""
  let message = typeof e.message === "string" ? e.message : String(error)
  if (apiKey) message = message.replaceAll(apiKey, "***")
  console.error(`${tag}${code}: ${message}`)
  const hint = hints[tag] ?? (typeof e.code === "string" ? hints[e.code] : undefined)
  if (hint !== undefined) console.error(`hint: ${hint}`)
  return process.exit(1)
}

const startApp = async () => {
  if (flags.dist) {
    const { build } = await import("vite")
    await build({ root: appRoot, logLevel: "warn" })
  }
  const options: AppServerOptions = { backend, mode: flags.dist ? "dist" : "dev", port, host: flags.host }
  return startAppServer(options)
}
const app = await startApp().catch(fail)
console.log(app.url)
console.error(
  `Concept search running at ${app.url} (${app.backend.config.description}, ${flags.dist ? "production build" : "Vite dev server"}). Ctrl+C to stop.`,
)

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
// Started by pnpm (or any parent) that was then killed: stop too instead of lingering.
const parent = process.ppid
setInterval(() => {
  try {
    process.kill(parent, 0)
  } catch (error) {
    if ((error as { code?: unknown }).code === "ESRCH") stop()
  }
}, 1000).unref()
