/**
 * The one request pipeline. Every operation goes through `execute`, which in order:
 * 1. validates the input (the descriptor's `encode`) and builds URL and body → `ValidationError`;
 * 2. gets the credential (`Credentials.get`);
 * 3. per attempt: passes the rate-limit gate (by key fingerprint), sends through `HttpTransport`
 *    with `Authorization` computed at that moment, records the rate-limit headers (errors included),
 *    and classifies the status;
 * 4. retries in one place (`retrying`), within the call's deadline;
 * 5. on `invalid_api_key`: invalidates the credential, gets it again and replays once if it changed;
 * 6. decodes the success envelope with the descriptor's schema → `DecodeError` with a path.
 * With the response cache on (`cache` option), steps 3 to 6 sit behind a cache lookup keyed by the
 * key's fingerprint, method, URL and body: a hit is decoded from the stored body and costs no
 * rate-limit permit; identical requests in flight share one request; only successes are stored.
 * The whole call (all attempts and waits) runs under `timeoutMs` → `TimeoutError`. Each call is a
 * span `omophub.<resource>.<operation>` carrying the method, route template, status, attempts and
 * request id; debug logs carry the same. Neither ever holds a key, a header or a filled URL.
 *
 * @module
 */

import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import { Credentials, type ResolvedCredential } from "../credentials/Credentials.ts"
import {
  type AuthenticationError,
  ConnectionError,
  type OmopHubError,
  TimeoutError,
  ValidationError,
} from "../Errors.ts"
import { type Operation, operationId, type ResponseMeta } from "../resources/Operation.ts"
import { makeChecker } from "../resources/Validate.ts"
import { HttpTransport, type TransportFailure, type TransportResponse } from "../runtime/HttpTransport.ts"
import { classifyResponse } from "./Classify.ts"
import { ClientConfig } from "./Config.ts"
import { type DecodedEnvelope, makeEnvelopeDecoder } from "./Envelope.ts"
import { makeRateLimitGate } from "./RateLimitGate.ts"
import { RateLimitStore, readRateLimitHeaders } from "./RateLimitState.ts"
import { buildRequest } from "./RequestBuilder.ts"
import { makeResponseCache } from "./ResponseCache.ts"
import { retrying } from "./RetryPolicy.ts"
import { userAgent } from "./UserAgent.ts"

/** Per-call options that are about the request rather than the operation's input. */
export interface RequestOptions {
  /**
   * Sent unchanged as `Idempotency-Key` on every attempt. Makes a POST retryable on 5xx and network
   * failures even when the operation is not marked safe to replay.
   */
  readonly idempotencyKey?: string | undefined
}

/** What the `RequestPipeline` service offers. */
export interface RequestPipelineShape {
  /**
   * Runs one operation with its input through every step listed in this module: validation,
   * credentials, rate-limit gate, retries, decoding. Fails only with `OmopHubError` values.
   */
  readonly execute: <Input, Data, Output, Item = never>(
    operation: Operation<Input, Data, Output, Item>,
    input: Input,
    options?: RequestOptions,
  ) => Effect.Effect<Output, OmopHubError>
}

const isRejectedKey = (error: OmopHubError): error is AuthenticationError =>
  error._tag === "AuthenticationError" && error.code === "invalid_api_key"

const validationError = (operation: string, issues: ReadonlyArray<{ path: string; message: string }>) =>
  new ValidationError({
    message: `${operation}: invalid input: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}`,
    operation,
    issues,
    retryable: false,
  })

const checkIdempotencyKey = (value: unknown): string | undefined => {
  if (value === undefined) return undefined
  return typeof value === "string" && /^[\x21-\x7e]{1,255}$/.test(value)
    ? undefined
    : "must be 1 to 255 printable ASCII characters without spaces"
}

/** Builds the pipeline from the client's configuration, credentials, transport and rate-limit store. */
export const makeRequestPipeline: Effect.Effect<
  RequestPipelineShape,
  never,
  ClientConfig | Credentials | HttpTransport | RateLimitStore
> = Effect.gen(function* () {
  const config = yield* ClientConfig
  const credentials = yield* Credentials
  const transport = yield* HttpTransport
  const store = yield* RateLimitStore
  const gate = makeRateLimitGate({
    concurrency: config.concurrency,
    requestsPerSecond: config.requestsPerSecond,
    onExhausted: config.onRateLimitExhausted,
    maxWaitMs: config.maxRetryAfterMs,
  })
  const baseHeaders: Record<string, string> = {
    ...config.headers,
    accept: "application/json",
    "user-agent": userAgent(config.userAgentSuffix),
  }
  const queryDefaults = { vocab_release: config.vocabRelease }
  /** What the pipeline derives from a descriptor, computed on its first call and kept. */
  interface OperationFacts {
    readonly id: string
    readonly spanName: string
    readonly spanOptions: { readonly attributes: Readonly<Record<string, string>> }
    readonly decode: (
      body: string,
      context: { operation: string; status: number; requestId?: string | undefined },
    ) => Exit.Exit<DecodedEnvelope<unknown>, OmopHubError>
  }
  // Keyed by descriptor, and by `data` schema for the decoder (descriptors often share one).
  const facts = new WeakMap<object, OperationFacts>()
  const decoders = new WeakMap<object, OperationFacts["decode"]>()
  const factsFor = (operation: Operation<never, unknown, unknown, unknown>): OperationFacts => {
    let known = facts.get(operation)
    if (known === undefined) {
      let decode = decoders.get(operation.data)
      if (decode === undefined) {
        decode = makeEnvelopeDecoder<unknown>(operation.data)
        decoders.set(operation.data, decode)
      }
      const id = operationId(operation)
      known = {
        id,
        spanName: `omophub.${operation.resource}.${operation.name}`,
        spanOptions: {
          attributes: {
            "http.request.method": operation.method,
            "url.template": operation.path,
            "omophub.operation": id,
          },
        },
        decode,
      }
      facts.set(operation, known)
    }
    return known
  }
  // The stack would point inside the SDK, and capturing it costs on every call.
  const traceOptions = { captureStackTrace: false }

  const cache = config.cache === undefined ? undefined : makeResponseCache(config.cache)
  // Requests in flight by cache key; a follower gets the leader's output, or `none` when the
  // leader was interrupted (the follower then tries again itself).
  const flights = new Map<string, Deferred.Deferred<Option.Option<unknown>, OmopHubError>>()
  const sharedFlight = <A>(
    key: string,
    run: Effect.Effect<A, OmopHubError>,
  ): Effect.Effect<A, OmopHubError> =>
    Effect.suspend(() => {
      const existing = flights.get(key)
      if (existing !== undefined) {
        return Effect.flatMap(Deferred.await(existing), (shared) =>
          Option.isSome(shared) ? Effect.succeed(shared.value as A) : sharedFlight(key, run),
        )
      }
      const flight = Deferred.makeUnsafe<Option.Option<unknown>, OmopHubError>()
      flights.set(key, flight)
      return Effect.onExit(run, (exit) =>
        Effect.suspend(() => {
          flights.delete(key)
          if (Exit.isSuccess(exit)) return Deferred.succeed(flight, Option.some(exit.value))
          if (Cause.hasInterruptsOnly(exit.cause)) return Deferred.succeed(flight, Option.none())
          return Deferred.failCause(flight, exit.cause)
        }),
      )
    })

  // The default Clock, against which each call's Clock is compared: with it, the call's budget is
  // one plain timer; with another (a TestClock) it is Effect's own `timeoutOrElse` on that Clock.
  const defaultClock = Context.get(Context.empty(), Clock.Clock)

  /**
   * Runs `program` under the call's budget: when `timeoutMs` passes first, `program` is interrupted
   * (which aborts the fetch in flight) and the call fails with `onTimeout()`. Interrupting the call
   * interrupts `program` the same way. One child fiber and one timer, instead of a race of two
   * fibers and a sleeping one.
   */
  const withBudget = <A>(
    fiber: Fiber.Fiber<unknown, unknown>,
    program: Effect.Effect<A, OmopHubError>,
    onTimeout: () => OmopHubError,
  ): Effect.Effect<A, OmopHubError> => {
    if (fiber.getRef(Clock.Clock) !== defaultClock) {
      return Effect.timeoutOrElse(program, {
        duration: config.timeoutMs,
        orElse: () => Effect.fail(onTimeout()),
      })
    }
    return Effect.callback<A, OmopHubError>((resume) => {
      // Started at once, in this fiber's context (services, span, references); it is not a child
      // in Effect's sense, so its end and its interruption are handled here explicitly.
      const child = Effect.runForkWith(fiber.context)(program)
      let timer: ReturnType<typeof setTimeout> | undefined
      const stopObserving = child.addObserver((exit) => {
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
        resume(exit)
      })
      if (child.pollUnsafe() !== undefined) return
      timer = setTimeout(() => {
        timer = undefined
        stopObserving()
        // The error is built once the program has stopped, so it reports the attempts made.
        resume(
          Effect.andThen(
            Fiber.interrupt(child),
            Effect.suspend(() => Effect.fail(onTimeout())),
          ),
        )
      }, config.timeoutMs)
      return Effect.suspend(() => {
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
        return Fiber.interrupt(child)
      })
    })
  }

  const execute = <Input, Data, Output, Item = never>(
    operation: Operation<Input, Data, Output, Item>,
    input: Input,
    options?: RequestOptions,
  ): Effect.Effect<Output, OmopHubError> =>
    Effect.withFiber((fiber) => {
      const {
        id,
        spanName,
        spanOptions,
        decode: decodeEnvelope,
      } = factsFor(operation as unknown as Operation<never, unknown, unknown, unknown>)
      // Spans only matter to a tracing backend: with Effect's native tracer (nothing installed) no
      // one can observe them, so neither the span nor its attributes are made.
      const traced = fiber.getRef(Tracer.Tracer) !== Tracer.nativeTracer
      // Debug entries below the minimum level are dropped by Effect anyway: not even built then.
      const debugEnabled = !LogLevel.isGreaterThan(fiber.getRef(References.MinimumLogLevel), "Debug")
      // Per-call facts for the span and the errors; plain variables, written by the attempts below.
      let attempts = 0
      let lastStatus: number | undefined
      let lastRequestId: string | undefined
      let cacheOutcome: "hit" | "miss" | undefined

      const finish = (effect: Effect.Effect<Output, OmopHubError>): Effect.Effect<Output, OmopHubError> =>
        traced
          ? effect.pipe(
              Effect.onExit(() => {
                const attributes: Record<string, unknown> = { "omophub.attempts": attempts }
                if (cacheOutcome !== undefined) attributes["omophub.cache"] = cacheOutcome
                if (lastStatus !== undefined) attributes["http.response.status_code"] = lastStatus
                if (lastRequestId !== undefined) attributes["omophub.request_id"] = lastRequestId
                return Effect.annotateCurrentSpan(attributes)
              }),
              Effect.withSpan(spanName, spanOptions, traceOptions),
            )
          : effect

      // Validation and request building are synchronous: done here, before any fiber or timer.
      // (A throw from a descriptor's encode becomes a defect of the call, as any throw in a fiber.)
      const check = makeChecker()
      const encoded = operation.encode(input, check)
      const idempotencyKey = options?.idempotencyKey
      const idempotencyProblem = checkIdempotencyKey(idempotencyKey)
      if (idempotencyProblem !== undefined) check.report("idempotencyKey", idempotencyProblem)
      if (check.issues.length > 0) return finish(Effect.fail(validationError(id, check.issues)))
      const built = buildRequest(config.baseUrl, operation.path, encoded, queryDefaults)
      if ("issues" in built) return finish(Effect.fail(validationError(id, built.issues)))

      const headers: Record<string, string> =
        built.body === undefined && idempotencyKey === undefined ? baseHeaders : { ...baseHeaders }
      if (built.body !== undefined) headers["content-type"] = "application/json"
      if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey

      const toConnectionError = (failure: TransportFailure) =>
        new ConnectionError({
          message: `${id}: no complete response from the API (${failure.description})`,
          operation: id,
          causeDescription: failure.description,
          retryable: true,
        })

      const clock = fiber.getRef(Clock.Clock)
      const deadline = clock.currentTimeMillisUnsafe() + config.timeoutMs
      const permitOptions = { deadline, operation: id }

      // What one attempt does once the gate lets it through: send, record, classify.
      const sendOnce = (credential: ResolvedCredential): Effect.Effect<TransportResponse, OmopHubError> =>
        Effect.suspend(() => {
          attempts++
          // Built here, at the last moment, and handed only to the transport.
          const request = {
            method: operation.method,
            url: built.url,
            headers: { ...headers, authorization: `Bearer ${Redacted.value(credential.key)}` },
            body: built.body,
          }
          return Effect.flatMap(Effect.mapError(transport.send(request), toConnectionError), (response) => {
            const now = clock.currentTimeMillisUnsafe()
            lastStatus = response.status
            lastRequestId = response.headers["x-request-id"]
            const snapshot = readRateLimitHeaders(response.headers, now, response.status)
            const error = classifyResponse({
              status: response.status,
              headers: response.headers,
              body: response.body,
              operation: id,
              nowMs: now,
              secret: Redacted.value(credential.key),
            })
            const outcome = error === undefined ? Effect.succeed(response) : Effect.fail(error)
            const logged = debugEnabled
              ? Effect.andThen(
                  Effect.logDebug("omophub response", {
                    operation: id,
                    route: operation.path,
                    attempt: attempts,
                    status: response.status,
                    requestId: lastRequestId,
                  }),
                  outcome,
                )
              : outcome
            return snapshot === undefined
              ? logged
              : Effect.andThen(store.update(credential.fingerprint, snapshot), logged)
          })
        })

      const attempt = (credential: ResolvedCredential) =>
        gate.withPermitIn(store, credential.fingerprint, sendOnce(credential), permitOptions)

      const retryRequest = {
        method: operation.method,
        safeToReplay: operation.safeToReplay,
        hasIdempotencyKey: idempotencyKey !== undefined,
      }
      const send = (credential: ResolvedCredential) =>
        retrying(attempt(credential), {
          maxRetries: config.maxRetries,
          request: retryRequest,
          deadline,
          maxServerWaitMs: config.maxRetryAfterMs,
          rateLimitResetMs: Effect.gen(function* () {
            const snapshot = yield* store.get(credential.fingerprint)
            const resetAt = Option.getOrUndefined(snapshot)?.resetAt
            if (resetAt === undefined) return undefined
            return Math.max(0, resetAt - (yield* Clock.currentTimeMillis))
          }),
          onRetry: (info) =>
            Effect.logDebug("omophub retry", {
              operation: id,
              route: operation.path,
              retry: info.attempt,
              delayMs: info.delayMs,
              after: info.error._tag,
            }),
        })

      const decode = (status: number, body: string): Effect.Effect<Output, OmopHubError> => {
        const decoded = decodeEnvelope(body, { operation: id, status, requestId: lastRequestId })
        if (Exit.isFailure(decoded)) return Exit.failCause(decoded.cause)
        return Effect.sync(() => {
          const meta: ResponseMeta = decoded.value.meta
          lastRequestId ??= meta.request_id
          return operation.output(decoded.value.data as Data, meta)
        })
      }

      const program = Effect.flatMap(credentials.get, (credential): Effect.Effect<Output, OmopHubError> => {
        const fetched = Effect.catchIf(send(credential), isRejectedKey, (rejected) =>
          // Key rotation: one fresh lookup and, if it gave another key, one replay. Never a loop.
          Effect.gen(function* () {
            yield* credentials.invalidate(credential.fingerprint)
            const fresh = yield* credentials.get
            if (fresh.fingerprint === credential.fingerprint) return yield* Effect.fail(rejected)
            yield* Effect.logDebug("omophub key rejected; retrying once with the refreshed key", {
              operation: id,
            })
            return yield* send(fresh)
          }),
        )
        if (cache === undefined) {
          return Effect.flatMap(fetched, (response) => decode(response.status, response.body))
        }

        const key = JSON.stringify([credential.fingerprint, operation.method, built.url, built.body ?? null])
        return Effect.flatMap(cache.lookup(key), (hit) => {
          if (hit !== undefined) {
            cacheOutcome = "hit"
            return decode(hit.status, hit.body)
          }
          cacheOutcome = "miss"
          const pinned = new URL(built.url).searchParams.has("vocab_release")
          return sharedFlight(
            key,
            Effect.gen(function* () {
              const response = yield* fetched
              const output = yield* decode(response.status, response.body)
              // Stored only once decoded: errors, including undecodable bodies, are never cached.
              yield* cache.save(key, { status: response.status, body: response.body }, pinned)
              return output
            }),
          )
        })
      })

      return finish(
        withBudget(
          fiber,
          program,
          () =>
            new TimeoutError({
              message: `${id}: no result within the ${config.timeoutMs} ms budget (${attempts} attempt${attempts === 1 ? "" : "s"})`,
              timeoutMs: config.timeoutMs,
              operation: id,
              retryable: false,
            }),
        ),
      )
    })

  return { execute }
})

/**
 * The service every client method goes through. Use it to call an `Operation` descriptor directly,
 * e.g. one you built with `makeOperation` for an endpoint the SDK does not wrap yet.
 */
export class RequestPipeline extends Context.Service<RequestPipeline, RequestPipelineShape>()(
  "@omophub/core/RequestPipeline",
) {
  static readonly layer: Layer.Layer<
    RequestPipeline,
    never,
    ClientConfig | Credentials | HttpTransport | RateLimitStore
  > = Layer.effect(RequestPipeline, makeRequestPipeline)
}
