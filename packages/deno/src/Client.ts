/**
 * The OMOPHub client for Deno: the core clients with Deno's runtime services and the default
 * credential chain — `apiKey` option -> `OMOPHUB_API_KEY` -> credentials file -> OS keychain.
 * The base URL comes from `baseUrl`, else `OMOPHUB_API_URL`, else the hosted API.
 *
 * @module
 */
import {
  type ConfigurationError,
  OMOPHub as CoreOMOPHub,
  type OmopHubClient,
  type RequestPipeline,
} from "@omophub/core"
import { type ServerClientOptions, serverLayer, toCoreOptions } from "@omophub/core/server"
import type * as Layer from "effect/Layer"
import { RuntimeLive } from "./RuntimeLayer.ts"

/**
 * Options for `new OMOPHub()`, `createClient()` and `layer()`: the core client options (base URL,
 * timeouts, retries, cache...) plus where the key comes from. Without `apiKey` or `credentials` the
 * default chain looks in `OMOPHUB_API_KEY`, the credentials file (`profile`, `credentialsFile`) and,
 * unless `keychain: false`, the OS keychain.
 */
export type ClientOptions = ServerClientOptions

/** The Promise client. Throws `ConfigurationError` at once for bad options; finds the key on first use. */
export class OMOPHub extends CoreOMOPHub {
  constructor(options: ClientOptions = {}) {
    super(toCoreOptions(options, RuntimeLive))
  }
}

/** Same as `new OMOPHub(options)`. */
export const createClient = (options: ClientOptions = {}): OMOPHub => new OMOPHub(options)

/** The Effect client (`OmopHubClient`) with Deno's services and the default chain. */
export const layer = (
  options: ClientOptions = {},
): Layer.Layer<OmopHubClient | RequestPipeline, ConfigurationError> => serverLayer(options, RuntimeLive)
