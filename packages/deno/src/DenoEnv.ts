/**
 * Environment variables from `Deno.env`, honouring Deno's permission model: the adapter asks only
 * for `OMOPHUB_*` variables and the few that locate the home and configuration folders, and reports
 * `RuntimeUnavailable` (never prompts, never throws) when the permission was not granted. Run with
 * `--allow-env=OMOPHUB_API_KEY,OMOPHUB_API_URL,HOME,XDG_CONFIG_HOME` (or plain `--allow-env`).
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Env, RuntimeUnavailable } from "./CoreContracts.ts"
import { deno, isGranted, isPermissionError } from "./DenoApi.ts"

/** Variables outside the SDK's prefix that the credentials file location depends on. */
export const locationVariables: ReadonlyArray<string> = ["HOME", "USERPROFILE", "XDG_CONFIG_HOME", "APPDATA"]

const mayRead = (name: string) => name.startsWith("OMOPHUB_") || locationVariables.includes(name)

const unavailable = (reason: string) => new RuntimeUnavailable({ capability: "env", reason })

export const readVariable = (name: string): Effect.Effect<Option.Option<string>, RuntimeUnavailable> =>
  Effect.suspend(() => {
    if (!mayRead(name)) {
      return Effect.fail(
        unavailable(`the Deno adapter reads only OMOPHUB_* and ${locationVariables.join(", ")}, not ${name}`),
      )
    }
    if (!isGranted({ name: "env", variable: name })) {
      return Effect.fail(unavailable(`no permission to read ${name}; run Deno with --allow-env=${name}`))
    }
    try {
      const value = deno().env.get(name)
      return Effect.succeed(value === undefined || value === "" ? Option.none() : Option.some(value))
    } catch (cause) {
      if (isPermissionError(cause)) return Effect.fail(unavailable(`no permission to read ${name}`))
      throw cause
    }
  })

/**
 * The `Env` service over `Deno.env`. Reads only `OMOPHUB_*` and the home/config folder variables;
 * any other name, or one without `--allow-env` permission, is `RuntimeUnavailable` (never a
 * permission prompt), which the credential chain treats as "not found here".
 */
export const EnvLive: Layer.Layer<Env> = Layer.succeed(Env, Env.of({ get: readVariable }))

/** An environment backed by an explicit record instead of `Deno.env`. */
export const envFromRecord = Env.fromRecord
