/**
 * Client configuration: the options a user passes, checked once and turned into a resolved
 * `ClientConfig` service. Every problem is a `ConfigurationError` raised before any request.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ConfigurationError } from "../Errors.ts"
import { Env } from "../runtime/Env.ts"
import { defaultCacheConfig, type ResolvedCacheConfig, type ResponseCacheOptions } from "./ResponseCache.ts"

/** The hosted OMOPHub API, used when neither `baseUrl` nor `OMOPHUB_API_URL` is set. */
export const defaultBaseUrl = "https://api.omophub.com/v1"

/** What a user may configure. Every field is optional. */
export interface ClientConfigOptions {
  /** API root, default `https://api.omophub.com/v1` (or `OMOPHUB_API_URL` when an environment is available). */
  readonly baseUrl?: string | undefined
  /** Budget for a whole call: all attempts, backoff and rate-limit waits. Default 60 000 ms. */
  readonly timeoutMs?: number | undefined
  /** Retries after the first attempt. Default 3 (so at most 4 attempts). */
  readonly maxRetries?: number | undefined
  /** Vocabulary release sent as `vocab_release` on every call (a per-call option wins). */
  readonly vocabRelease?: string | undefined
  /** Appended to the SDK's User-Agent, e.g. `my-app/1.2`. */
  readonly userAgent?: string | undefined
  /** Extra headers sent on every request (not Authorization, Accept, Content-Type or User-Agent). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Longest server-requested wait (`Retry-After`) the client honours before giving up. Default 60 000 ms. */
  readonly maxRetryAfterMs?: number | undefined
  /**
   * Requests in flight at once from this client, whatever key they use. Default 8. Not shared with
   * other clients; what is shared per key is the remaining budget the server reports.
   */
  readonly concurrency?: number | undefined
  /** Client-side pacing: attempt starts of this client, at most this many per second. Unlimited when unset. */
  readonly requestsPerSecond?: number | undefined
  /** When the server reports the window is used up: wait for the reset (default) or fail at once. */
  readonly onRateLimitExhausted?: "wait" | "fail" | undefined
  /** Allow plain `http://` to non-loopback hosts. Off by default: the key would travel in clear text. */
  readonly allowInsecureHttp?: boolean | undefined
  /**
   * Coalesce concurrent `concepts.get` calls into `POST /concepts/batch` requests (on by default).
   * `false` sends one request per call; `{ windowMs }` waits that long (default 0: the current tick)
   * to gather more calls into a batch.
   */
  readonly batching?: boolean | { readonly windowMs?: number | undefined } | undefined
  /** Response cache (off by default): `true` for an in-memory LRU, or its options. See `ResponseCache.ts`. */
  readonly cache?: boolean | ResponseCacheOptions | undefined
}

/** The checked configuration the pipeline works with. */
export interface ResolvedClientConfig {
  /** Normalised: no trailing slash. */
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly vocabRelease: string | undefined
  readonly userAgentSuffix: string | undefined
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly maxRetryAfterMs: number
  readonly concurrency: number
  readonly requestsPerSecond: number | undefined
  readonly onRateLimitExhausted: "wait" | "fail"
  readonly batching: { readonly enabled: boolean; readonly windowMs: number }
  /** `undefined` when caching is off. */
  readonly cache: ResolvedCacheConfig | undefined
}

/**
 * The checked configuration as a service, read by the request pipeline and the client. Built by
 * `ClientConfig.layer(options)`; the client layers build it for you.
 */
export class ClientConfig extends Context.Service<ClientConfig, ResolvedClientConfig>()(
  "@omophub/core/ClientConfig",
) {
  /** Checks the options; reads `OMOPHUB_API_URL` from the `Env` service when one is provided and no `baseUrl` is given. */
  static readonly layer = (
    options: ClientConfigOptions = {},
  ): Layer.Layer<ClientConfig, ConfigurationError> =>
    Layer.effect(ClientConfig, resolveClientConfigEffect(options))
}

const reservedHeaders = new Set([
  "authorization",
  "accept",
  "content-type",
  "user-agent",
  "host",
  "content-length",
])
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Printable Latin-1 and tab: anything else (CR, LF, NUL) would break or smuggle headers.
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/
const maxTimerMs = 2_147_483_647

const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase()
  if (host === "localhost" || host.endsWith(".localhost") || host === "[::1]") return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

const fail = (message: string) => new ConfigurationError({ message, retryable: false })

const checkBaseUrl = (raw: string, allowInsecureHttp: boolean): string | ConfigurationError => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail(`baseUrl is not a valid absolute URL`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return fail(`baseUrl must use https:// (got ${url.protocol})`)
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    return fail(
      `baseUrl uses plain http:// to ${url.hostname}; the API key would be sent unencrypted. ` +
        `Use https://, a loopback host, or set allowInsecureHttp: true`,
    )
  }
  if (url.username !== "" || url.password !== "") return fail("baseUrl must not contain credentials")
  if (url.search !== "" || url.hash !== "") return fail("baseUrl must not contain a query or fragment")
  return url.href.replace(/\/+$/, "")
}

const checkInteger = (
  name: string,
  value: number,
  min: number,
  max: number,
): ConfigurationError | undefined =>
  Number.isSafeInteger(value) && value >= min && value <= max
    ? undefined
    : fail(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`)

/** Checks options synchronously. `environmentBaseUrl` is `OMOPHUB_API_URL` when known. */
export const resolveClientConfig = (
  options: ClientConfigOptions,
  environmentBaseUrl?: string | undefined,
): ResolvedClientConfig | ConfigurationError => {
  const allowInsecureHttp = options.allowInsecureHttp ?? false
  const baseUrl = checkBaseUrl(options.baseUrl ?? environmentBaseUrl ?? defaultBaseUrl, allowInsecureHttp)
  if (baseUrl instanceof ConfigurationError) return baseUrl

  const timeoutMs = options.timeoutMs ?? 60_000
  const maxRetries = options.maxRetries ?? 3
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const concurrency = options.concurrency ?? 8
  const problem =
    checkInteger("timeoutMs", timeoutMs, 1, maxTimerMs) ??
    checkInteger("maxRetries", maxRetries, 0, 10) ??
    checkInteger("maxRetryAfterMs", maxRetryAfterMs, 0, maxTimerMs) ??
    checkInteger("concurrency", concurrency, 1, 1000)
  if (problem) return problem

  const requestsPerSecond = options.requestsPerSecond
  if (requestsPerSecond !== undefined && !(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
    return fail(`requestsPerSecond must be a positive number (got ${String(requestsPerSecond)})`)
  }
  const onRateLimitExhausted = options.onRateLimitExhausted ?? "wait"
  if (onRateLimitExhausted !== "wait" && onRateLimitExhausted !== "fail") {
    return fail(`onRateLimitExhausted must be "wait" or "fail"`)
  }
  const vocabRelease = options.vocabRelease
  if (vocabRelease !== undefined && (typeof vocabRelease !== "string" || vocabRelease.trim() === "")) {
    return fail("vocabRelease must be a non-empty string")
  }
  const userAgentSuffix = options.userAgent
  if (
    userAgentSuffix !== undefined &&
    (typeof userAgentSuffix !== "string" || !/^[\x20-\x7e]*$/.test(userAgentSuffix))
  ) {
    return fail("userAgent must be printable ASCII")
  }

  const batching = resolveBatching(options.batching)
  if (batching instanceof ConfigurationError) return batching
  const cache = resolveCache(options.cache)
  if (cache instanceof ConfigurationError) return cache

  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase()
    if (!headerName.test(name)) return fail(`headers: "${name}" is not a valid header name`)
    if (reservedHeaders.has(lower)) {
      return fail(
        lower === "authorization"
          ? "headers must not set Authorization: pass the key through apiKey or a credentials provider"
          : `headers must not set ${name}: the client sets it`,
      )
    }
    if (typeof value !== "string" || !headerValue.test(value)) {
      return fail(`headers: the value of "${name}" must be a string without control characters`)
    }
    headers[lower] = value
  }

  return {
    baseUrl,
    timeoutMs,
    maxRetries,
    vocabRelease,
    userAgentSuffix: userAgentSuffix === "" ? undefined : userAgentSuffix,
    headers,
    maxRetryAfterMs,
    concurrency,
    requestsPerSecond,
    onRateLimitExhausted,
    batching,
    cache,
  }
}

const resolveBatching = (
  option: ClientConfigOptions["batching"],
): ResolvedClientConfig["batching"] | ConfigurationError => {
  if (option === undefined || option === true) return { enabled: true, windowMs: 0 }
  if (option === false) return { enabled: false, windowMs: 0 }
  if (typeof option !== "object" || option === null) return fail("batching must be a boolean or { windowMs }")
  const windowMs = option.windowMs ?? 0
  return checkInteger("batching.windowMs", windowMs, 0, 10_000) ?? { enabled: true, windowMs }
}

const resolveCache = (
  option: ClientConfigOptions["cache"],
): ResolvedCacheConfig | undefined | ConfigurationError => {
  if (option === undefined || option === false) return undefined
  if (option === true) return defaultCacheConfig
  if (typeof option !== "object" || option === null) return fail("cache must be a boolean or cache options")
  const resolved: ResolvedCacheConfig = {
    maxEntries: option.maxEntries ?? defaultCacheConfig.maxEntries,
    ttlMs: option.ttlMs ?? defaultCacheConfig.ttlMs,
    pinnedTtlMs: option.pinnedTtlMs ?? defaultCacheConfig.pinnedTtlMs,
    store: option.store,
  }
  const problem =
    checkInteger("cache.maxEntries", resolved.maxEntries, 1, 10_000_000) ??
    checkInteger("cache.ttlMs", resolved.ttlMs, 1, maxTimerMs * 100) ??
    checkInteger("cache.pinnedTtlMs", resolved.pinnedTtlMs, 1, maxTimerMs * 100)
  if (problem) return problem
  const store = resolved.store
  if (
    store !== undefined &&
    (typeof store !== "object" ||
      store === null ||
      typeof store.get !== "function" ||
      typeof store.set !== "function" ||
      typeof store.delete !== "function")
  ) {
    return fail("cache.store must have get, set and delete functions")
  }
  return resolved
}

/** Same as {@link resolveClientConfig}, reading `OMOPHUB_API_URL` through the optional `Env` service. */
export const resolveClientConfigEffect = (
  options: ClientConfigOptions,
): Effect.Effect<ResolvedClientConfig, ConfigurationError> =>
  Effect.gen(function* () {
    let environmentBaseUrl: string | undefined
    if (options.baseUrl === undefined) {
      const env = yield* Effect.serviceOption(Env)
      if (Option.isSome(env)) {
        const value = yield* env.value.get("OMOPHUB_API_URL").pipe(Effect.orElseSucceed(() => Option.none()))
        environmentBaseUrl = Option.getOrUndefined(value)
      }
    }
    const resolved = resolveClientConfig(options, environmentBaseUrl)
    return resolved instanceof ConfigurationError ? yield* resolved : resolved
  })
