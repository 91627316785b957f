/**
 * The User-Agent the SDK sends: `omophub-typescript/<version> (<runtime>)`, plus the user's suffix.
 * The runtime part comes from `navigator.userAgent` (Node 21+, Deno, Bun, browsers, Workers all
 * have it), so the core never sniffs runtime globals.
 *
 * @module
 */
import { version } from "../version.ts"

// Only printable ASCII may go in the header; anything else from the platform string is dropped.
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, "").trim()

/** What the platform says about itself, or `unknown runtime`. */
export const runtimeDescription = (): string => {
  const navigatorUserAgent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent
  const description = typeof navigatorUserAgent === "string" ? printable(navigatorUserAgent) : ""
  return description === "" ? "unknown runtime" : description
}

/** The full header value; `suffix` (already checked by the config) is appended after a space. */
export const userAgent = (suffix?: string | undefined): string => {
  const base = `omophub-typescript/${version} (${runtimeDescription()})`
  return suffix === undefined || suffix === "" ? base : `${base} ${suffix}`
}
