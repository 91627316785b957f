/**
 * The live `Credentials` service: resolves a provider once and caches the key; one lookup runs at
 * a time however many callers wait; a key close to expiry is refreshed in the background while
 * still valid; an expired key is never handed out; failures are not cached.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { CredentialsError } from "../Errors.ts"
import { fingerprint } from "./ApiKey.ts"
import { Credentials, type CredentialsShape, type ResolvedCredential } from "./Credentials.ts"
import { type CredentialProvider, resolveProvider } from "./Provider.ts"

/** Tuning of the `Credentials` service built by `makeCredentials` / `layerCredentials`. */
export interface CredentialsCacheOptions {
  /**
   * How long before expiry a refresh starts, at most; default 30 seconds. Never more than a tenth
   * of the credential's lifetime, so a short-lived token is not refreshed on every use.
   */
  readonly refreshBefore?: Duration.Input | undefined
}

interface Cached {
  readonly credential: ResolvedCredential
  /** Epoch ms from which a `get` starts a background refresh. */
  readonly refreshAt: number
}

interface CacheState {
  readonly cached: Cached | undefined
  readonly inFlight: Deferred.Deferred<ResolvedCredential, CredentialsError> | undefined
}

type Plan =
  | {
      readonly use: ResolvedCredential
      readonly refresh?: Deferred.Deferred<ResolvedCredential, CredentialsError>
    }
  | { readonly wait: Deferred.Deferred<ResolvedCredential, CredentialsError>; readonly start: boolean }

const shutDown = new CredentialsError({
  message: "The OMOPHub credentials service has been shut down (its client was closed); create a new client",
  attempts: [],
  retryable: false,
})

const isUsable = (cached: Cached | undefined, now: number): cached is Cached =>
  cached !== undefined && (cached.credential.expiresAt === undefined || now < cached.credential.expiresAt)

/** Builds the service. Lookups run in the given scope, so an interrupted caller does not cancel them for others. */
export const makeCredentials = <R>(
  provider: CredentialProvider<R>,
  options?: CredentialsCacheOptions,
): Effect.Effect<CredentialsShape, never, R | Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<R>()
    const scope = yield* Effect.scope
    const refreshBefore = Duration.toMillis(Duration.fromInputUnsafe(options?.refreshBefore ?? "30 seconds"))
    const state = yield* Ref.make<CacheState>({ cached: undefined, inFlight: undefined })

    const lookup: Effect.Effect<Cached, CredentialsError> = Effect.gen(function* () {
      const provided = yield* resolveProvider(provider)
      const now = yield* Clock.currentTimeMillis
      const { expiresAt, source } = provided
      if (expiresAt !== undefined && expiresAt <= now) {
        return yield* new CredentialsError({
          message: `The OMOPHub credential from ${source} had already expired when it was resolved (expiresAt must be epoch milliseconds in the future)`,
          attempts: [{ provider: source, reason: "the credential had already expired" }],
          retryable: false,
        })
      }
      const credential: ResolvedCredential = {
        key: provided.key,
        fingerprint: yield* fingerprint(provided.key),
        source,
        expiresAt,
      }
      // Which source won is the first question when a key does not work; the fingerprint is safe to log.
      yield* Effect.logDebug(
        `OMOPHub credential resolved from ${source} (fingerprint ${credential.fingerprint})`,
      )
      const skew = expiresAt === undefined ? 0 : Math.min(refreshBefore, (expiresAt - now) / 10)
      return { credential, refreshAt: expiresAt === undefined ? Number.POSITIVE_INFINITY : expiresAt - skew }
    }).pipe(Effect.provideContext(context))

    // Runs one lookup into `deferred`; the cache is updated before waiters wake up.
    const startLookup = (
      deferred: Deferred.Deferred<ResolvedCredential, CredentialsError>,
      background: boolean,
    ) =>
      Effect.gen(function* () {
        const fiber = yield* lookup.pipe(
          Effect.onExit((exit) =>
            Ref.update(state, (current) => ({
              cached: Exit.isSuccess(exit) ? exit.value : current.cached,
              inFlight: current.inFlight === deferred ? undefined : current.inFlight,
            })),
          ),
          Effect.tapError((error) =>
            background
              ? Effect.logWarning(`OMOPHub credential refresh failed: ${error.message}`)
              : Effect.void,
          ),
          Effect.map((cached) => cached.credential),
          Deferred.into(deferred),
          Effect.forkIn(scope),
        )
        // A closed scope (the client was shut down) never starts the fiber: fail the waiters
        // rather than leave them waiting forever.
        if (fiber.pollUnsafe() !== undefined) {
          yield* Ref.update(state, (current) =>
            current.inFlight === deferred ? { ...current, inFlight: undefined } : current,
          )
          yield* Deferred.fail(deferred, shutDown)
        }
      })

    const plannedGet: Effect.Effect<ResolvedCredential, CredentialsError> = Effect.uninterruptibleMask(
      (restore) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const plan = yield* Ref.modify(state, (current): [Plan, CacheState] => {
            const { cached, inFlight } = current
            if (isUsable(cached, now)) {
              if (now < cached.refreshAt || inFlight !== undefined)
                return [{ use: cached.credential }, current]
              const refresh = Deferred.makeUnsafe<ResolvedCredential, CredentialsError>()
              return [
                { use: cached.credential, refresh },
                { ...current, inFlight: refresh },
              ]
            }
            if (inFlight !== undefined)
              return [
                { wait: inFlight, start: false },
                { ...current, cached: undefined },
              ]
            const wait = Deferred.makeUnsafe<ResolvedCredential, CredentialsError>()
            return [
              { wait, start: true },
              { cached: undefined, inFlight: wait },
            ]
          })
          if ("use" in plan) {
            if (plan.refresh !== undefined) yield* startLookup(plan.refresh, true)
            return plan.use
          }
          if (plan.start) yield* startLookup(plan.wait, false)
          return yield* restore(Deferred.await(plan.wait))
        }),
    )

    // The hot path: a cached key that needs no refresh is read directly (one synchronous read, so
    // no other fiber can change the state in between); every other case takes the planned path.
    const get: Effect.Effect<ResolvedCredential, CredentialsError> = Effect.flatMap(
      Clock.currentTimeMillis,
      (now) => {
        const { cached } = Ref.getUnsafe(state)
        return isUsable(cached, now) && now < cached.refreshAt
          ? Effect.succeed(cached.credential)
          : plannedGet
      },
    )

    const invalidate = (staleFingerprint: string) =>
      Ref.update(state, (current) =>
        current.cached?.credential.fingerprint === staleFingerprint
          ? { ...current, cached: undefined }
          : current,
      )

    return Credentials.of({ get, invalidate })
  })

/** The `Credentials` service backed by `provider` (e.g. `standardChain(...)`), cached as described above. */
export const layerCredentials = <R>(
  provider: CredentialProvider<R>,
  options?: CredentialsCacheOptions,
): Layer.Layer<Credentials, never, R> => Layer.effect(Credentials, makeCredentials(provider, options))
