/**
 * The OMOPHub client for browsers. Keys come from, in order: the `apiKey` option, then the
 * `credentials` provider — normally `fromCallback(...)` returning a short-lived token that the
 * app's own backend issues. A browser has no environment, files or keychain to look in.
 *
 * A long-lived API key (`oh_...`) in page code is readable by anyone who opens the page, so it is
 * refused unless `dangerouslyAllowBrowser: true`: as the `apiKey` option at construction
 * (`ConfigurationError`), and when a callback returns one without `expiresAt` (the call fails
 * with a `CredentialsError` naming the problem).
 *
 * @module
 */
import {
  ConfigurationError,
  type ClientOptions as CoreClientOptions,
  OMOPHub as CoreOMOPHub,
  CredentialMisconfigured,
  type CredentialProvider,
  chain,
  layer as coreLayer,
  fromValue,
  makeProvider,
  type OmopHubClient,
  type RequestPipeline,
} from "@omophub/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * Options for `new OMOPHub()`, `createClient()` and `layer()` in a browser: the core client options
 * (base URL, timeouts, retries, cache...) plus the key sources a page can have: `apiKey`, then
 * `credentials`. One of them is required.
 */
export interface ClientOptions extends Omit<CoreClientOptions, "apiKey" | "credentials"> {
  /** A key or token given directly. A long-lived `oh_...` key needs `dangerouslyAllowBrowser`. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Consulted after `apiKey`: normally `fromCallback(...)` fetching a short-lived token from your backend. */
  readonly credentials?: CredentialProvider | undefined
  /**
   * Accept a long-lived API key in the browser. Anyone who can open the page can read it and use
   * your quota; only for pages that are themselves private (internal tools, local development).
   */
  readonly dangerouslyAllowBrowser?: boolean | undefined
}

/** Long-lived OMOPHub API keys start with `oh_`. */
const looksLikeSecretKey = (key: string) => key.trim().startsWith("oh_")

const risk =
  "an OMOPHub API key in browser code can be read by anyone who opens the page, who can then spend your quota. " +
  "Have your backend issue a short-lived token and pass credentials: fromCallback(async () => ({ token, expiresAt })), " +
  "or set dangerouslyAllowBrowser: true if this page is private"

/** Refuses a long-lived key from `provider` unless it says when it expires. */
const refusingSecretKeys = (provider: CredentialProvider): CredentialProvider =>
  makeProvider(
    provider.name,
    Effect.flatMap(provider.resolve, (credential) =>
      credential.expiresAt === undefined && looksLikeSecretKey(Redacted.value(credential.key))
        ? Effect.fail(
            new CredentialMisconfigured({
              reason: `it returned a long-lived API key (oh_...) without expiresAt: ${risk}`,
            }),
          )
        : Effect.succeed(credential),
    ),
  )

/** The core options for these browser options; throws `ConfigurationError` for unusable ones. */
const toCoreOptions = (options: ClientOptions): CoreClientOptions => {
  const { apiKey, credentials, dangerouslyAllowBrowser, ...rest } = options
  const allowSecret = dangerouslyAllowBrowser === true
  if (apiKey !== undefined && !allowSecret) {
    const raw = Redacted.isRedacted(apiKey) ? Redacted.value(apiKey) : apiKey
    if (looksLikeSecretKey(raw)) {
      throw new ConfigurationError({ message: `Refusing the apiKey option: ${risk}`, retryable: false })
    }
  }
  const fromOption = apiKey === undefined ? undefined : fromValue(apiKey, { name: "option:apiKey" })
  const fromProvider =
    credentials === undefined ? undefined : allowSecret ? credentials : refusingSecretKeys(credentials)
  const providers = [fromOption, fromProvider].filter((provider) => provider !== undefined)
  const [only] = providers
  if (only === undefined) {
    throw new ConfigurationError({
      message:
        "No API key source: pass credentials: fromCallback(...) returning a short-lived token from your backend (a browser has no environment, file or keychain)",
      retryable: false,
    })
  }
  return { ...rest, credentials: providers.length === 1 ? only : chain(...providers) }
}

/** The Promise client. Throws `ConfigurationError` at once for bad options. */
export class OMOPHub extends CoreOMOPHub {
  constructor(options: ClientOptions) {
    super(toCoreOptions(options))
  }
}

/** Same as `new OMOPHub(options)`. */
export const createClient = (options: ClientOptions): OMOPHub => new OMOPHub(options)

/** The Effect client (`OmopHubClient`) with the browser's key sources. Fails with `ConfigurationError` for bad options. */
export const layer = (
  options: ClientOptions,
): Layer.Layer<OmopHubClient | RequestPipeline, ConfigurationError> =>
  Layer.unwrap(
    Effect.try({
      try: () => coreLayer(toCoreOptions(options)),
      catch: (error) =>
        error instanceof ConfigurationError
          ? error
          : new ConfigurationError({ message: String(error), retryable: false }),
    }),
  )
