/**
 * API keys the sandbox accepts. Keys are only ever compared, never echoed: responses and log lines
 * carry the key's name or a short fingerprint instead.
 */
import { readFile } from "node:fs/promises"

/** An API key the sandbox accepts, with an optional log-safe name and a revoked flag. */
export interface ApiKeyRecord {
  /** The key clients send as `Authorization: Bearer <key>`. */
  readonly key: string
  /** Label used in the request log and console lines instead of the key. */
  readonly name?: string
  /** A revoked key is rejected with `invalid_api_key`, like an unknown one. */
  readonly revoked?: boolean
}

/** Accepted when no keys are configured. Public on purpose: the sandbox guards no real data. */
export const DEFAULT_SANDBOX_KEY = "oh_sandbox_key"

/** How `KeyStore.check` judged a key; `label` is the key's name or fingerprint, never the key. */
export type KeyCheck =
  | { readonly status: "valid"; readonly label: string }
  | { readonly status: "unknown" }
  | { readonly status: "revoked"; readonly label: string }

/** FNV-1a: a stable, non-reversible-enough label for keys without a name (not a security hash). */
export const fingerprint = (key: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `key_${hash.toString(16).padStart(8, "0")}`
}

const toRecord = (entry: string | ApiKeyRecord): ApiKeyRecord =>
  typeof entry === "string" ? { key: entry } : entry

/**
 * The keys one sandbox accepts (`SandboxControl.keys`). Keys are only compared; listings and labels
 * show a name or a fingerprint instead.
 */
export class KeyStore {
  readonly #keys = new Map<string, ApiKeyRecord>()
  readonly #checks = new WeakMap<ApiKeyRecord, KeyCheck>()

  /** Starts with `entries`; throws `TypeError` for a blank key. */
  constructor(entries: Iterable<string | ApiKeyRecord>) {
    for (const entry of entries) this.add(entry)
  }

  /** Accepts a key, replacing the record of a known one; throws `TypeError` for a blank key. */
  add(entry: string | ApiKeyRecord): void {
    const record = toRecord(entry)
    if (typeof record.key !== "string" || record.key.trim() === "") {
      throw new TypeError("An API key must be a non-empty string")
    }
    this.#keys.set(record.key, record)
  }

  /** Returns false when the key was not known. */
  revoke(key: string): boolean {
    const record = this.#keys.get(key)
    if (record === undefined) return false
    this.#keys.set(key, { ...record, revoked: true })
    return true
  }

  /** Whether `key` is accepted, unknown or revoked, with its log-safe label. */
  check(key: string): KeyCheck {
    const record = this.#keys.get(key)
    if (record === undefined) return { status: "unknown" }
    let check = this.#checks.get(record)
    if (check === undefined) {
      // Computed once per record: every request checks its key.
      const label = record.name ?? fingerprint(key)
      check = record.revoked === true ? { status: "revoked", label } : { status: "valid", label }
      this.#checks.set(record, check)
    }
    return check
  }

  /** Log-safe listing: names and fingerprints only. */
  list(): ReadonlyArray<{ name: string | undefined; fingerprint: string; revoked: boolean }> {
    return [...this.#keys.values()].map((r) => ({
      name: r.name,
      fingerprint: fingerprint(r.key),
      revoked: r.revoked === true,
    }))
  }
}

/**
 * Reads a keys file: `{ "keys": [{ "key": "oh_…", "name": "ci", "revoked": false }, "oh_bare_key"] }`
 * (a bare top-level array is accepted too). Errors name the file and the entry, never a key.
 * A file with no keys at all is an error: a secret file that rendered empty (say in CI) must not
 * leave the server accepting the public `oh_sandbox_key` instead.
 */
export const loadKeysFile = async (path: string): Promise<ApiKeyRecord[]> => {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (cause) {
    throw new Error(
      `Cannot read keys file ${path}: ${(cause as NodeJS.ErrnoException).code ?? "read failed"}`,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    // The parser's message quotes the text around the error, which may be a key: give the position only.
    const position = /position (\d+)/.exec((cause as Error).message)?.[1]
    throw new Error(
      `Keys file ${path} is not valid JSON${position === undefined ? "" : ` (at character ${position})`}`,
    )
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(list)) throw new Error(`Keys file ${path} must hold { "keys": [...] }`)
  if (list.length === 0) {
    throw new Error(
      `Keys file ${path} lists no keys: add at least one, or leave the keys file out to accept only the public sandbox key`,
    )
  }
  return list.map((entry: unknown, index) => {
    if (typeof entry === "string" && entry.trim() !== "") return { key: entry }
    const e = entry as Partial<Record<keyof ApiKeyRecord, unknown>> | null
    if (e === null || typeof e !== "object" || typeof e.key !== "string" || e.key.trim() === "") {
      throw new Error(`Keys file ${path}: entry ${index} needs a non-empty "key" string`)
    }
    if (e.name !== undefined && typeof e.name !== "string") {
      throw new Error(`Keys file ${path}: entry ${index} has a non-string "name"`)
    }
    if (e.revoked !== undefined && typeof e.revoked !== "boolean") {
      throw new Error(`Keys file ${path}: entry ${index} has a non-boolean "revoked"`)
    }
    return {
      key: e.key,
      ...(e.name === undefined ? {} : { name: e.name }),
      ...(e.revoked === undefined ? {} : { revoked: e.revoked }),
    }
  })
}
