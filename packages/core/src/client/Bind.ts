/**
 * Turns a resource's method declarations into client methods, once for the Effect API and once for
 * the Promise API, so that adding an endpoint never means editing either client by hand.
 *
 * @module
 */
import type * as Effect from "effect/Effect"
import type { OmopHubError } from "../Errors.ts"
import type { RequestPipelineShape } from "../http/RequestPipeline.ts"
import type { AnyMethod, Method } from "../resources/Operation.ts"

/** Options every Promise method accepts in its trailing options object, besides its own. */
export interface CallOptions {
  /** Aborting it cancels the call at once; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
  /** Sent unchanged as `Idempotency-Key` on every attempt of this call. */
  readonly idempotencyKey?: string | undefined
}

/** Per-call request options on the Effect side. */
export interface EffectCallOptions {
  readonly idempotencyKey?: string | undefined
}

export type EffectMethods<M> = {
  readonly [K in keyof M]: M[K] extends Method<infer Args, infer Options, infer _I, infer _D, infer Output>
    ? (...args: [...Args, options?: Options & EffectCallOptions]) => Effect.Effect<Output, OmopHubError>
    : never
}

export type PromiseMethods<M> = {
  readonly [K in keyof M]: M[K] extends Method<infer Args, infer Options, infer _I, infer _D, infer Output>
    ? (...args: [...Args, options?: Options & CallOptions]) => Promise<Output>
    : never
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Splits the per-call keys (`signal`, `idempotencyKey`) off a method's trailing options object. */
export const splitCallOptions = (
  options: unknown,
): { readonly options: unknown; readonly signal?: AbortSignal; readonly idempotencyKey?: string } => {
  if (!isRecord(options) || !("signal" in options || "idempotencyKey" in options)) return { options }
  const { signal, idempotencyKey, ...rest } = options
  return {
    options: Object.keys(rest).length === 0 ? undefined : rest,
    ...(signal === undefined ? {} : { signal: signal as AbortSignal }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey: idempotencyKey as string }),
  }
}

const call = (pipeline: RequestPipelineShape, m: AnyMethod, args: ReadonlyArray<unknown>) => {
  const { options, idempotencyKey } = splitCallOptions(args[m.arity])
  const input = m.toInput(args.slice(0, m.arity), options)
  return pipeline.execute(m.operation, input, idempotencyKey === undefined ? undefined : { idempotencyKey })
}

/** The Effect methods of one resource. */
export const bindEffect = <M extends Record<string, AnyMethod>>(
  pipeline: RequestPipelineShape,
  methods: M,
): EffectMethods<M> =>
  Object.fromEntries(
    Object.entries(methods).map(([name, m]) => [
      name,
      (...args: ReadonlyArray<unknown>) => call(pipeline, m, args),
    ]),
  ) as EffectMethods<M>

/** The Promise methods of one resource, given how to run an Effect with an optional signal. */
export const bindPromise = <M extends Record<string, AnyMethod>>(
  methods: M,
  run: <A>(
    effect: (pipeline: RequestPipelineShape) => Effect.Effect<A, OmopHubError>,
    signal: AbortSignal | undefined,
  ) => Promise<A>,
): PromiseMethods<M> =>
  Object.fromEntries(
    Object.entries(methods).map(([name, m]) => [
      name,
      (...args: ReadonlyArray<unknown>) =>
        run((pipeline) => call(pipeline, m, args), splitCallOptions(args[m.arity]).signal),
    ]),
  ) as PromiseMethods<M>
