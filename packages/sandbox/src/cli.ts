#!/usr/bin/env node
/**
 * omophub-sandbox: serve the sandbox until SIGINT/SIGTERM. The first stdout line is the base URL so
 * scripts can read it; everything else goes to stderr.
 */
import module from "node:module"
import process from "node:process"
import { parseArgs } from "node:util"
import type { ReleaseSource } from "./server/Releases.ts"
import type { Sandbox, SandboxOptions } from "./server/Start.ts"

const HELP = `omophub-sandbox: a local OMOPHub-compatible REST server

Usage: omophub-sandbox [options]

  --port N                 port to listen on (default 0 = a free port)
  --host H                 interface to bind (default 127.0.0.1; 0.0.0.0 or :: = every interface)
  --vocab DIR              serve the Athena vocabulary in DIR as the default release
  --release NAME=DIR       serve DIR as release NAME (repeatable); NAME alone = built-in vocabulary
  --default-release NAME   release used when a request names none (default 2025.2)
  --key KEY                accept this API key (repeatable)
  --keys-file FILE         accept the keys in FILE: { "keys": [{ "key": "oh_…", "name": "ci", "revoked": false }] }
  --invalid-key-status S   401 (default) or 403 for unknown/revoked keys
  --rate-limit N/WINDOW    per-key limit, e.g. 10/1s, 100/1m, 5/500ms (default off)
  --daily-quota N          per-key requests per UTC day (default off)
  --reset-epoch            send RateLimit-Reset as a Unix timestamp instead of seconds-until-reset
  --control                enable the HTTP control routes at /_sandbox/* (unauthenticated)
  --quiet                  do not log requests to stderr
  --help                   show this help

Without --key/--keys-file the sandbox accepts only the public sandbox key oh_sandbox_key.
A keys file that lists no keys is an error (exit 1).
The first line on stdout is the base URL, e.g. http://127.0.0.1:43123/v1 (with --host 0.0.0.0 or ::,
a loopback URL that connects; the server still listens on every interface).
`

// Caches compiled (and type-stripped) modules on disk: a restart skips most of the start-up work.
// Node only; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

class UsageError extends Error {}

const integer = (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} expects an integer between ${min} and ${max}, got '${text}'`)
  }
  return value
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `10/1s` -> 10 requests per 1000 ms. */
const parseRateLimit = (text: string): { limit: number; windowMs: number } => {
  const match = /^(\d+)\/(\d*)(ms|s|m|h)$/.exec(text.trim())
  if (match === null)
    throw new UsageError(`--rate-limit expects N/WINDOW such as 10/1s or 100/1m, got '${text}'`)
  const limit = integer("--rate-limit", match[1]!, 1)
  const windowMs = (match[2] === "" ? 1 : Number(match[2])) * UNIT_MS[match[3]!]!
  if (windowMs < 1) throw new UsageError(`--rate-limit window must be positive, got '${text}'`)
  return { limit, windowMs }
}

const parseRelease = (text: string): ReleaseSource => {
  const eq = text.indexOf("=")
  const name = (eq === -1 ? text : text.slice(0, eq)).trim()
  if (name === "") throw new UsageError(`--release expects NAME=DIR or NAME, got '${text}'`)
  if (eq === -1) return { name }
  const dir = text.slice(eq + 1).trim()
  if (dir === "") throw new UsageError(`--release ${name}= needs a directory`)
  return { name, vocab: dir }
}

const parseCli = (argv: readonly string[]): SandboxOptions | "help" => {
  let parsed: ReturnType<typeof parseArgsStrict>
  try {
    parsed = parseArgsStrict(argv)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const v = parsed.values
  if (v.help === true) return "help"
  const rateLimit = {
    ...(v["rate-limit"] === undefined ? {} : parseRateLimit(v["rate-limit"])),
    ...(v["daily-quota"] === undefined ? {} : { dailyQuota: integer("--daily-quota", v["daily-quota"], 1) }),
  }
  if (v["reset-epoch"] === true && Object.keys(rateLimit).length === 0) {
    throw new UsageError("--reset-epoch needs --rate-limit or --daily-quota")
  }
  if (v.vocab !== undefined && v.release !== undefined) {
    throw new UsageError("use either --vocab or --release, not both")
  }
  const invalidKeyStatusText = v["invalid-key-status"]?.trim()
  if (
    invalidKeyStatusText !== undefined &&
    invalidKeyStatusText !== "401" &&
    invalidKeyStatusText !== "403"
  ) {
    throw new UsageError(`--invalid-key-status must be 401 or 403, got '${v["invalid-key-status"]}'`)
  }
  const invalidKeyStatus = invalidKeyStatusText === undefined ? undefined : Number(invalidKeyStatusText)
  return {
    port: v.port === undefined ? 0 : integer("--port", v.port, 0, 65535),
    hostname: v.host ?? "127.0.0.1",
    ...(v.vocab === undefined ? {} : { vocab: v.vocab }),
    ...(v.release === undefined ? {} : { releases: v.release.map(parseRelease) }),
    ...(v["default-release"] === undefined ? {} : { defaultRelease: v["default-release"] }),
    ...(v.key === undefined ? {} : { keys: v.key }),
    ...(v["keys-file"] === undefined ? {} : { keysFile: v["keys-file"] }),
    ...(invalidKeyStatus === undefined ? {} : { invalidKeyStatus: invalidKeyStatus as 401 | 403 }),
    ...(Object.keys(rateLimit).length === 0
      ? {}
      : {
          rateLimit: {
            ...rateLimit,
            ...(v["reset-epoch"] === true ? { resetFormat: "epoch" as const } : {}),
          },
        }),
    control: v.control === true,
    log: v.quiet !== true,
  }
}

function parseArgsStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      vocab: { type: "string" },
      release: { type: "string", multiple: true },
      "default-release": { type: "string" },
      key: { type: "string", multiple: true },
      "keys-file": { type: "string" },
      "invalid-key-status": { type: "string" },
      "rate-limit": { type: "string" },
      "daily-quota": { type: "string" },
      "reset-epoch": { type: "boolean" },
      control: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  })
}

/** Wildcard addresses: the server listens on every interface, but a client cannot connect to them. */
const WILDCARD_HOSTS: Readonly<Record<string, string>> = {
  "0.0.0.0": "127.0.0.1",
  "::": "[::1]",
  "[::]": "[::1]",
  "::0": "[::1]",
}

/** The base URL to print: for a wildcard bind, the same URL on the matching loopback address. */
const connectableUrl = (url: string, hostname: string | undefined): string => {
  const loopback = hostname === undefined ? undefined : WILDCARD_HOSTS[hostname]
  if (loopback === undefined) return url
  const parsed = new URL(url)
  parsed.hostname = loopback
  return parsed.href.replace(/\/$/, "")
}

/** A loopback bind, reachable from this machine only. */
const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname === "::1" ||
  hostname === "[::1]" ||
  /^127\.\d+\.\d+\.\d+$/.test(hostname)

const main = async () => {
  let options: SandboxOptions | "help"
  try {
    options = parseCli(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`omophub-sandbox: ${error.message}\nRun omophub-sandbox --help for the options.\n`)
    process.exit(2)
  }
  if (options === "help") {
    process.stdout.write(HELP)
    return
  }
  let sandbox: Sandbox
  try {
    // Loaded only now, so --help and flag errors answer without loading the server.
    const { start } = await import("./server/Start.ts")
    sandbox = await start(options)
  } catch (error) {
    process.stderr.write(`omophub-sandbox: cannot start: ${(error as Error).message}\n`)
    process.exit(1)
  }
  const url = connectableUrl(sandbox.url, options.hostname)
  const everyInterface = url !== sandbox.url
  process.stdout.write(`${url}\n`)
  process.stderr.write(
    `omophub-sandbox listening on ${everyInterface ? `every interface (${options.hostname}), port ${sandbox.port}; base URL ${url}` : url} (releases: ${sandbox.releases.join(", ")}; default ${sandbox.defaultRelease})\n`,
  )
  if (options.control === true && options.hostname !== undefined && !isLoopback(options.hostname)) {
    process.stderr.write(
      `WARNING: the control routes (/_sandbox/*) are enabled and unauthenticated, and this server is reachable ${everyInterface ? "on every interface" : `at ${options.hostname}`}: anyone who can connect can add keys, inject faults or reset it. Bind to 127.0.0.1 unless that is intended.\n`,
    )
  }
  if (sandbox.defaultKey !== undefined) {
    process.stderr.write(
      `No keys configured: use the public sandbox key ${sandbox.defaultKey} (sandbox only)\n`,
    )
  }
  const stop = async () => {
    await sandbox.close()
    process.exit(0)
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

await main()
