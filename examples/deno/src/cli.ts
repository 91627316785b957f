/**
 * The command line: strict flags (a mistyped flag is a usage error, exit 2) and one place that turns
 * any error into a one-line message with a hint (exit 1), instead of a stack trace.
 */
import { parseArgs } from "node:util"

export const usage = "usage: deno run -A src/main.ts [--vocab DIR]"

export const parseFlags = (args: ReadonlyArray<string>) => {
  try {
    // `pnpm start -- --vocab DIR` passes the `--` through: drop it.
    const rest = args[0] === "--" ? args.slice(1) : [...args]
    return parseArgs({ args: rest, options: { vocab: { type: "string" }, help: { type: "boolean" } } }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return Deno.exit(2)
  }
}

const hints: Record<string, string> = {
  AuthenticationError: "check OMOPHUB_API_KEY (or the key in your credentials file / OS keychain)",
  CredentialsError: "set OMOPHUB_API_KEY, or store a key in the credentials file or OS keychain",
  ConnectionError: "check OMOPHUB_API_URL and that the server is reachable",
  TimeoutError: "check OMOPHUB_API_URL and that the server is reachable",
  ConfigurationError: "check OMOPHUB_API_URL: a remote server needs https://",
  VocabularyLoadError: "--vocab takes a directory with the Athena vocabulary CSV files",
}

/** Prints `${_tag} ${code}: ${message}` and a hint on stderr; returns the exit code (1). */
export const report = (error: unknown): number => {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>
  const tag = typeof e._tag === "string" ? e._tag : typeof e.name === "string" ? e.name : "Error"
  const code = typeof e.code === "string" ? ` ${e.code}` : ""
  let key: string | undefined
  try {
    key = Deno.env.get("OMOPHUB_API_KEY")
  } catch {} // no permission to read it: then the SDK could not have read it either
  let message = typeof e.message === "string" ? e.message : String(error)
  if (key) message = message.replaceAll(key, "***") // never print the key, whatever the message says
  console.error(`${tag}${code}: ${message}`)
  if (hints[tag] !== undefined) console.error(`hint: ${hints[tag]}`)
  return 1
}
