/**
 * Shared by the child scripts, which run under Node, Deno and Bun: which runtime this is, its
 * adapter package, the configuration from the parent, and the one-line JSON result.
 */
import type * as NodeSdk from "@omophub/node"

export type Sdk = Pick<typeof NodeSdk, "createClient">

export const runtime: "node" | "deno" | "bun" =
  "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node"

export const runtimeVersion = (): string =>
  (runtime === "bun"
    ? process.versions.bun
    : runtime === "deno"
      ? (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno
      : process.versions.node) ?? "unknown"

/**
 * The runtime's own adapter: @omophub/node, @omophub/deno or @omophub/bun, or the module at
 * `OMOPHUB_BENCH_SDK` when set (a path, e.g. a one-file bundle of the adapter).
 */
export const loadSdk = (): Promise<Sdk> => {
  // A computed specifier: each runtime loads only its own adapter.
  const specifier = process.env.OMOPHUB_BENCH_SDK || `@omophub/${runtime}`
  return import(specifier) as Promise<Sdk>
}

export const readConfig = <T>(): T => {
  const raw = process.env.OMOPHUB_BENCH_CONFIG
  if (raw === undefined) throw new Error("OMOPHUB_BENCH_CONFIG is not set (run through the bench)")
  return JSON.parse(raw) as T
}

export const emit = (result: unknown): void => {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
