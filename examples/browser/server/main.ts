/**
 * Starts the example: a local sandbox (or the real API), the page, `/config` and `/token`.
 *
 *   node server/main.ts                      # sandbox with its built-in vocabulary, Vite dev server
 *   node server/main.ts --vocab DIR          # sandbox over an Athena vocabulary download
 *   node server/main.ts --dist               # build the page with Vite, then serve the production bundle
 *   node server/main.ts --port 8080          # default 5173; 0 picks a free port
 *   OMOPHUB_API_URL=... OMOPHUB_API_KEY=... node server/main.ts   # the real API (see the README)
 *
 * The first line on stdout is the URL to open.
 */
import { parseArgs } from "node:util"
import { type AppServerOptions, appRoot, startAppServer } from "./app-server.ts"
import type { BackendOptions } from "./backend.ts"

const usage = "usage: node server/main.ts [--vocab DIR] [--port N] [--host H] [--dist]"

const parse = () => {
  try {
    return parseArgs({
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

const apiUrl = process.env.OMOPHUB_API_URL
const apiKey = process.env.OMOPHUB_API_KEY
const backend: BackendOptions =
  apiUrl && apiKey ? { kind: "api", apiUrl, apiKey } : { kind: "sandbox", vocab: flags.vocab }
if (backend.kind === "api" && flags.vocab !== undefined) {
  console.error("--vocab applies to the local sandbox; it is ignored with OMOPHUB_API_URL/OMOPHUB_API_KEY")
}

if (flags.dist) {
  const { build } = await import("vite")
  await build({ root: appRoot, logLevel: "warn" })
}

const options: AppServerOptions = { backend, mode: flags.dist ? "dist" : "dev", port, host: flags.host }
const app = await startAppServer(options)
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
