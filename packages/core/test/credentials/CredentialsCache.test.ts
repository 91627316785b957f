import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import { TestClock } from "effect/testing"
import { fingerprint } from "../../src/credentials/ApiKey.ts"
import { Credentials } from "../../src/credentials/Credentials.ts"
import { layerCredentials, makeCredentials } from "../../src/credentials/CredentialsCache.ts"
import { CredentialNotFound, makeProvider } from "../../src/credentials/Provider.ts"

interface ScriptedOptions {
  /** Virtual milliseconds each lookup takes. */
  readonly delay?: number
  /** Lifetime of each key; no expiry when absent. */
  readonly lifetime?: number
  /** Lookups (1-based) that find nothing. */
  readonly failOn?: ReadonlyArray<number>
}

/** A provider yielding `oh_key_<n>` on its n-th lookup, so tests can see every lookup. */
const scripted = (options: ScriptedOptions = {}) => {
  const calls = { count: 0 }
  const provider = makeProvider(
    "scripted",
    Effect.gen(function* () {
      const n = ++calls.count
      if (options.delay !== undefined) yield* Effect.sleep(options.delay)
      if (options.failOn?.includes(n))
        return yield* new CredentialNotFound({ reason: `lookup ${n} found nothing` })
      const now = yield* Clock.currentTimeMillis
      return {
        key: Redacted.make(`oh_key_${n}`),
        expiresAt: options.lifetime === undefined ? undefined : now + options.lifetime,
      }
    }),
  )
  return { provider, calls }
}

/** Lets forked fibers (a background refresh) take their first steps. */
const settle = Effect.yieldNow.pipe(Effect.repeat({ times: 5 }))

/**
 * Repeats `effect` until `done` holds. Fingerprinting uses WebCrypto, which settles on a real
 * promise, so a background lookup finishes outside TestClock's control.
 */
const eventually = <A, E>(effect: Effect.Effect<A, E>, done: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 500; attempt++) {
      const value = yield* effect
      if (done(value)) return value
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
    }
    throw new Error("condition not reached")
  })

const keyOf = (credential: { readonly key: Redacted.Redacted<string> }) => Redacted.value(credential.key)

describe("Credentials cache", () => {
  it.effect("single flight: 100 concurrent gets run the provider once, later gets use the cache", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted({ delay: 1000 })
        const credentials = yield* makeCredentials(provider)
        const fiber = yield* Effect.forkChild(
          Effect.all(
            Array.from({ length: 100 }, () => credentials.get),
            { concurrency: "unbounded" },
          ),
        )
        yield* TestClock.adjust(1000)
        const results = yield* Fiber.join(fiber)
        expect(calls.count).toBe(1)
        expect(new Set(results.map(keyOf))).toEqual(new Set(["oh_key_1"]))
        expect(results[0]!.source).toBe("scripted")
        expect(results[0]!.fingerprint).toBe(yield* fingerprint(Redacted.make("oh_key_1")))
        yield* credentials.get
        expect(calls.count).toBe(1)
      }),
    ),
  )

  it.effect(
    "refreshes in the background shortly before expiry, handing out the still-valid key meanwhile",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          // One hour lifetime: refresh starts 30 s before expiry.
          const { provider, calls } = scripted({ lifetime: 3_600_000, delay: 100 })
          const credentials = yield* makeCredentials(provider)
          const first = yield* Effect.forkChild(credentials.get)
          yield* TestClock.adjust(100)
          expect(keyOf(yield* Fiber.join(first))).toBe("oh_key_1") // valid until 3_600_100
          yield* TestClock.adjust(3_600_100 - 100 - 30_001) // 1 ms before the refresh window
          expect(keyOf(yield* credentials.get)).toBe("oh_key_1")
          expect(calls.count).toBe(1)
          yield* TestClock.adjust(1) // inside the window
          expect(keyOf(yield* credentials.get)).toBe("oh_key_1") // served at once, refresh started
          yield* settle
          expect(keyOf(yield* credentials.get)).toBe("oh_key_1") // still one refresh only
          yield* settle
          expect(calls.count).toBe(2)
          yield* TestClock.adjust(100)
          yield* eventually(credentials.get, (credential) => keyOf(credential) === "oh_key_2")
          expect(calls.count).toBe(2)
        }),
      ),
  )

  it.effect("a short-lived key refreshes at 90% of its lifetime, not on every use", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted({ lifetime: 10_000 })
        const credentials = yield* makeCredentials(provider)
        yield* credentials.get
        yield* TestClock.adjust(8_999)
        yield* credentials.get
        expect(calls.count).toBe(1)
        yield* TestClock.adjust(1)
        yield* credentials.get
        yield* settle
        expect(calls.count).toBe(2)
      }),
    ),
  )

  it.effect("an expired key is never handed out: callers wait for the new one", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted({ lifetime: 60_000, delay: 5_000 })
        const credentials = yield* makeCredentials(provider)
        const first = yield* Effect.forkChild(credentials.get)
        yield* TestClock.adjust(5_000)
        expect(keyOf(yield* Fiber.join(first))).toBe("oh_key_1") // expires at 65_000
        yield* TestClock.adjust(60_000) // now 65_000: expired, no get happened in the refresh window
        const waiting = yield* Effect.forkChild(credentials.get)
        yield* TestClock.adjust(4_999)
        expect(waiting.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust(1)
        expect(keyOf(yield* Fiber.join(waiting))).toBe("oh_key_2")
        expect(calls.count).toBe(2)
      }),
    ),
  )

  it.effect("a credential that is already expired when resolved fails instead of looping", () =>
    Effect.scoped(
      Effect.gen(function* () {
        yield* TestClock.adjust(10_000)
        const calls = { count: 0 }
        const provider = makeProvider(
          "callback",
          Effect.sync(() => {
            calls.count++
            return { key: Redacted.make("oh_key"), expiresAt: 10 } // seconds-vs-milliseconds mistake
          }),
        )
        const credentials = yield* makeCredentials(provider)
        const error = yield* Effect.flip(credentials.get)
        expect(error._tag).toBe("CredentialsError")
        expect(error.message).toContain("callback had already expired")
        expect(calls.count).toBe(1)
      }),
    ),
  )

  it.effect("failures are not cached; concurrent callers share the one failing lookup", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted({ failOn: [1], delay: 10 })
        const credentials = yield* makeCredentials(provider)
        const fiber = yield* Effect.forkChild(
          Effect.all(
            Array.from({ length: 5 }, () => Effect.flip(credentials.get)),
            { concurrency: "unbounded" },
          ),
        )
        yield* TestClock.adjust(10)
        const errors = yield* Fiber.join(fiber)
        expect(calls.count).toBe(1)
        expect(errors.map((e) => e.attempts)).toEqual(
          Array(5).fill([{ provider: "scripted", reason: "lookup 1 found nothing" }]),
        )
        const retry = yield* Effect.forkChild(credentials.get)
        yield* TestClock.adjust(10)
        expect(keyOf(yield* Fiber.join(retry))).toBe("oh_key_2")
        expect(calls.count).toBe(2)
      }),
    ),
  )

  it.effect("invalidate drops the cache only while it still holds that fingerprint", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted()
        const credentials = yield* makeCredentials(provider)
        const first = yield* credentials.get
        yield* credentials.invalidate("0000000000000000")
        expect(keyOf(yield* credentials.get)).toBe("oh_key_1")
        expect(calls.count).toBe(1)

        yield* credentials.invalidate(first.fingerprint) // the server rejected oh_key_1
        const rotated = yield* credentials.get
        expect(keyOf(rotated)).toBe("oh_key_2")
        // A late 401 from a request that still used oh_key_1 must not drop the fresh key.
        yield* credentials.invalidate(first.fingerprint)
        expect(keyOf(yield* credentials.get)).toBe("oh_key_2")
        expect(calls.count).toBe(2)
      }),
    ),
  )

  it.effect("an interrupted caller does not cancel the lookup others wait for", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { provider, calls } = scripted({ delay: 1000 })
        const credentials = yield* makeCredentials(provider)
        const quitter = yield* Effect.forkChild(credentials.get)
        const patient = yield* Effect.forkChild(credentials.get)
        yield* TestClock.adjust(500)
        yield* Fiber.interrupt(quitter)
        yield* TestClock.adjust(500)
        expect(keyOf(yield* Fiber.join(patient))).toBe("oh_key_1")
        expect(calls.count).toBe(1)
      }),
    ),
  )

  it.effect("layerCredentials provides the Credentials service", () =>
    Effect.gen(function* () {
      const credentials = yield* Credentials
      expect(keyOf(yield* credentials.get)).toBe("oh_key_1")
    }).pipe(Effect.provide(layerCredentials(scripted().provider))),
  )
})

describe("Credentials cache after shutdown", () => {
  it.effect("a get after the owning scope closed fails instead of waiting forever", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const credentials = yield* makeCredentials(scripted().provider).pipe(
        Effect.provideService(Scope.Scope, scope),
      )
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(credentials.get)
      expect(error.message).toContain("has been shut down")
      // And again: the failed attempt left nothing behind that later calls would wait on.
      expect((yield* Effect.flip(credentials.get)).message).toContain("has been shut down")
    }),
  )
})
