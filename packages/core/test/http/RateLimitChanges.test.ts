// The in-memory RateLimitStore's `changes` stream (plain subscriber callbacks, no PubSub) and the
// Promise API's `client.rateLimit.changes()` over a real sandbox. Claims under test:
// 1. a new subscriber gets the latest snapshot first, then every change;
// 2. a slow subscriber keeps only the newest 16 pending snapshots;
// 3. the subscriber is removed when the consumer stops or is interrupted;
// 4. the snapshot write is synchronous, so a reservation's read and write cannot interleave.
// No test waits on the wall clock: fibers are coordinated by stepping (`Effect.yieldNow`) until a
// condition holds, and `Scheduler.MaxOpsBeforeYield` = 1 forces a fiber to yield before every
// operation wherever an interleaving matters.
//
// The store has no subscriber count, so `trackSubscribers` counts them white-box: it watches
// `Set.prototype.add` for the store's callbacks (functions named `subscriber`) and reads the sizes
// of the sets they were added to. It is restored when the test ends.
//
// Tests whose comment starts "Was a defect" pin defects found in a review (once marked `.fails`),
// now fixed in RateLimitState.ts / PromiseClient.ts.
import { assert, describe, it } from "@effect/vitest"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Scheduler from "effect/Scheduler"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll, expect, it as itAsync } from "vitest"
import {
  makeMemoryStore,
  type RateLimitSnapshot,
  type RateLimitStoreShape,
  type Reservation,
} from "../../src/http/RateLimitState.ts"
import { ConfigurationError, createClient } from "../../src/index.ts"

const fp = "fingerprint-changes"

/** A report with no reset: the store keeps it as is, so each one is visible by its `remaining`. */
const report = (remaining: number): RateLimitSnapshot => ({ limit: 100, remaining, observedAt: 0 })

interface SubscriberTracker {
  /** Store subscribers currently registered. */
  readonly live: () => number
  /** Subscriber sets seen (0 means the tracker found nothing: the store changed, fix the tracker). */
  readonly sets: () => number
  readonly restore: () => void
}

const installTracker = (): SubscriberTracker => {
  const sets = new Set<Set<unknown>>()
  const proto = Set.prototype as unknown as { add: (this: Set<unknown>, value: unknown) => Set<unknown> }
  const add = proto.add
  proto.add = function (value) {
    if (typeof value === "function" && value.name === "subscriber") sets.add(this)
    return add.call(this, value)
  }
  return {
    live: () => {
      let n = 0
      for (const set of sets) n += set.size
      return n
    },
    sets: () => sets.size,
    restore: () => {
      proto.add = add
    },
  }
}

/** `installTracker` for the test's scope. */
const trackSubscribers = Effect.acquireRelease(Effect.sync(installTracker), (tracker) =>
  Effect.sync(tracker.restore),
)

/** Yields until `condition` holds; dies after 10 000 steps (a step count, not a timeout). */
const stepUntil = (condition: Effect.Effect<boolean> | (() => boolean), what: string) =>
  Effect.gen(function* () {
    const check = typeof condition === "function" ? Effect.sync(condition) : condition
    for (let step = 0; step < 10_000; step++) {
      if (yield* check) return
      yield* Effect.yieldNow
    }
    return yield* Effect.die(new Error(`never happened: ${what}`))
  })

/** Lets other fibers run for a while (to show that something does *not* happen). */
const settle = Effect.gen(function* () {
  for (let step = 0; step < 50; step++) yield* Effect.yieldNow
})

const remainingIs = (store: RateLimitStoreShape, remaining: number) =>
  Effect.map(store.get(fp), (s) => Option.isSome(s) && s.value.remaining === remaining)

/** A consumer that records every `remaining` it is given, forked; returns once it is subscribed. */
const recordChanges = (store: RateLimitStoreShape, tracker: SubscriberTracker) =>
  Effect.gen(function* () {
    const before = tracker.live()
    const seen: Array<number | undefined> = []
    const fiber = yield* store.changes(fp).pipe(
      Stream.runForEach((s) => Effect.sync(() => seen.push(s.remaining))),
      Effect.forkChild,
    )
    yield* stepUntil(() => tracker.live() === before + 1, "the consumer subscribed")
    return { seen, fiber }
  })

const yieldBeforeEveryOp = Effect.provideService(Scheduler.MaxOpsBeforeYield, 1)

describe("changes: the latest snapshot first, then every change", () => {
  it.effect("a subscriber that comes before any report waits, then gets each report", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      const fiber = yield* store.changes(fp).pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
      yield* stepUntil(() => tracker.live() === 1, "subscribed")
      yield* settle
      assert.isUndefined(fiber.pollUnsafe(), "nothing to emit before the first report")
      yield* store.update(fp, report(5))
      yield* store.update(fp, report(4))
      assert.deepStrictEqual(
        (yield* Fiber.join(fiber)).map((s) => s.remaining),
        [5, 4],
      )
    }),
  )

  it.effect(
    "starts from the latest snapshot (not older ones), then every update and reservation in order",
    () =>
      Effect.gen(function* () {
        const tracker = yield* trackSubscribers
        const store = makeMemoryStore()
        yield* store.update(fp, report(9))
        yield* store.update(fp, report(8))
        const fiber = yield* store.changes(fp).pipe(Stream.take(6), Stream.runCollect, Effect.forkChild)
        yield* stepUntil(() => tracker.live() === 1, "subscribed")
        assert.deepStrictEqual(yield* store.reserve(fp, 0), { _tag: "Granted" }) // 8 -> 7
        yield* store.update(fp, report(20))
        yield* store.reserve(fp, 0) // 20 -> 19
        yield* store.update(fp, { limit: 100, remaining: 0, resetAt: 5000, observedAt: 0 })
        // Changes nothing, so reports nothing: an emission here would show up as a second 0.
        assert.deepStrictEqual(yield* store.reserve(fp, 0), { _tag: "Exhausted", resetAt: 5000 })
        yield* store.update(fp, report(3))
        const emitted = yield* Fiber.join(fiber)
        assert.deepStrictEqual(
          emitted.map((s) => s.remaining),
          [8, 7, 20, 19, 0, 3],
        )
        assert.deepStrictEqual(emitted[4], { limit: 100, remaining: 0, resetAt: 5000, observedAt: 0 })
      }),
  )

  it.effect("every subscriber gets every change; one stopping leaves the others subscribed", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(10))
      const short = yield* store.changes(fp).pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)
      const long = yield* store.changes(fp).pipe(Stream.take(4), Stream.runCollect, Effect.forkChild)
      yield* stepUntil(() => tracker.live() === 2, "both subscribed")
      yield* store.update(fp, report(11))
      yield* stepUntil(() => tracker.live() === 1, "the short consumer stopped")
      yield* store.update(fp, report(12))
      yield* store.update(fp, report(13))
      assert.deepStrictEqual(
        (yield* Fiber.join(short)).map((s) => s.remaining),
        [10, 11],
      )
      assert.deepStrictEqual(
        (yield* Fiber.join(long)).map((s) => s.remaining),
        [10, 11, 12, 13],
      )
      assert.strictEqual(tracker.live(), 0)
    }),
  )

  // Was a defect: `store` wrote the snapshot at once but told subscribers in the Effect it returned, a
  // later step (now both happen in one synchronous step). When the writer yields in between (an automatic yield after MaxOpsBeforeYield
  // operations, 2048 by default; forced here with 1), a later change is delivered first and the
  // subscriber is left with a stale snapshot: it ends on remaining 9 while the store holds 8.
  it.effect("changes are delivered in the order they were written, even if the writer yields", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(10))
      const { seen } = yield* recordChanges(store, tracker)
      const slow = yield* store.reserve(fp, 0).pipe(yieldBeforeEveryOp, Effect.forkChild)
      yield* stepUntil(remainingIs(store, 9), "the slow reservation wrote 9")
      yield* store.reserve(fp, 0) // writes 8 and reports it in one go
      yield* Fiber.join(slow)
      yield* settle
      assert.deepStrictEqual(seen, [10, 9, 8])
    }),
  )

  // Was a defect (same cause): a reservation interrupted between its write and its notification (e.g. a
  // request cancelled right then) changes the store but is never reported.
  it.effect("a reservation that took effect is reported even if its fiber is interrupted", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(10))
      const { seen } = yield* recordChanges(store, tracker)
      const reserving = yield* store.reserve(fp, 0).pipe(yieldBeforeEveryOp, Effect.forkChild)
      yield* stepUntil(remainingIs(store, 9), "the reservation wrote 9")
      yield* Fiber.interrupt(reserving)
      yield* settle
      assert.deepStrictEqual(seen, [10, 9])
    }),
  )
})

describe("changes: a slow subscriber keeps only the newest 16 pending snapshots", () => {
  it.effect("a consumer that stops pulling gets the newest 16 of 40 changes, in order, then waits", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(0))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const pull = yield* Stream.toPull(store.changes(fp))
          assert.deepStrictEqual(
            (yield* pull).map((s) => s.remaining),
            [0],
          )
          for (let i = 1; i <= 40; i++) yield* store.update(fp, report(i))
          const drained: Array<number | undefined> = []
          for (let i = 0; i < 16; i++) drained.push(...(yield* pull).map((s) => s.remaining))
          assert.deepStrictEqual(
            drained,
            Array.from({ length: 16 }, (_, i) => 25 + i),
          )
          const next = yield* Effect.forkChild(pull)
          yield* settle
          assert.isUndefined(next.pollUnsafe(), "the 17th pull waits: 1..24 were dropped")
          yield* store.update(fp, report(99))
          assert.deepStrictEqual(
            (yield* Fiber.join(next)).map((s) => s.remaining),
            [99],
          )
          assert.strictEqual(tracker.live(), 1)
        }),
      )
      assert.strictEqual(tracker.live(), 0, "closing the pull's scope removes the subscriber")
    }),
  )

  it.effect("a consumer busy with one snapshot then sees the newest 16 of the 40 that came meanwhile", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(0))
      const busy = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const fiber = yield* store.changes(fp).pipe(
        Stream.tap((s) =>
          s.remaining === 0
            ? Effect.andThen(Deferred.succeed(busy, undefined), Deferred.await(release))
            : Effect.void,
        ),
        Stream.take(17),
        Stream.runCollect,
        Effect.forkChild,
      )
      yield* Deferred.await(busy)
      for (let i = 1; i <= 40; i++) yield* store.update(fp, report(i))
      yield* Deferred.succeed(release, undefined)
      assert.deepStrictEqual(
        (yield* Fiber.join(fiber)).map((s) => s.remaining),
        [0, ...Array.from({ length: 16 }, (_, i) => 25 + i)],
      )
      assert.strictEqual(tracker.live(), 0)
    }),
  )
})

describe("changes: the subscriber is removed when the consumer stops", () => {
  it.effect("when the consumer has taken what it wanted", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(1))
      assert.deepStrictEqual(
        (yield* store.changes(fp).pipe(Stream.take(1), Stream.runCollect)).map((s) => s.remaining),
        [1],
      )
      assert.strictEqual(tracker.sets(), 1, "the tracker found the store's subscriber set")
      assert.strictEqual(tracker.live(), 0)
    }),
  )

  it.effect("when the consuming fiber is interrupted while it waits for a change", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(1))
      const { seen, fiber } = yield* recordChanges(store, tracker)
      yield* stepUntil(() => seen.length === 1, "the latest snapshot arrived")
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(tracker.live(), 0)
      yield* store.update(fp, report(2)) // nobody left to tell; must not throw or resume anything
      yield* settle
      assert.deepStrictEqual(seen, [1])
    }),
  )

  it.effect("when the consumer fails", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(1))
      const error = yield* store.changes(fp).pipe(
        Stream.runForEach(() => Effect.fail("consumer gave up" as const)),
        Effect.flip,
      )
      assert.strictEqual(error, "consumer gave up")
      assert.strictEqual(tracker.live(), 0)
    }),
  )

  it.effect("many short-lived subscriptions leave none behind", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(1))
      for (let i = 0; i < 20; i++) {
        const { fiber } = yield* recordChanges(store, tracker)
        if (i % 2 === 0) yield* store.update(fp, report(i))
        yield* Fiber.interrupt(fiber)
      }
      yield* Effect.all(
        Array.from({ length: 20 }, () => store.changes(fp).pipe(Stream.take(1), Stream.runDrain)),
        { concurrency: "unbounded" },
      )
      assert.strictEqual(tracker.live(), 0)
    }),
  )

  // Was a defect: `subscribe` added the callback in `Stream.unwrap(Effect.sync(...))` and removes it with
  // `Stream.ensuring` on the inner stream, whose finalizer was only registered some operations later
  // (7 with MaxOpsBeforeYield = 1). A consumer interrupted in that window leaves its callback in the
  // set for good. Registering the removal together with the add (`Effect.acquireRelease` inside
  // `Stream.unwrap`, which provides the stream's scope) closes the window.
  it.effect("a consumer interrupted right after it subscribed leaves no subscriber", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, report(1))
      const fiber = yield* store.changes(fp).pipe(Stream.runDrain, yieldBeforeEveryOp, Effect.forkChild)
      yield* stepUntil(() => tracker.live() === 1, "subscribed")
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(tracker.live(), 0)
    }),
  )
})

describe("reserve: the read and the write cannot interleave", () => {
  const contend = (reserve: (store: RateLimitStoreShape) => Effect.Effect<Reservation>) =>
    Effect.gen(function* () {
      const store = makeMemoryStore()
      yield* store.update(fp, { limit: 100, remaining: 50, resetAt: 10_000, observedAt: 0 })
      const results = yield* Effect.all(
        Array.from({ length: 200 }, () => reserve(store).pipe(yieldBeforeEveryOp)),
        { concurrency: "unbounded" },
      )
      const snapshot = yield* store.get(fp)
      return {
        granted: results.filter((r) => r._tag === "Granted").length,
        remaining: Option.getOrUndefined(snapshot)?.remaining,
      }
    })

  it.effect("200 concurrent reservations, each yielding before every operation, grant exactly 50", () =>
    Effect.gen(function* () {
      const tracker = yield* trackSubscribers
      const store = makeMemoryStore()
      yield* store.update(fp, { limit: 100, remaining: 50, resetAt: 10_000, observedAt: 0 })
      const { seen, fiber } = yield* recordChanges(store, tracker)
      const results = yield* Effect.all(
        Array.from({ length: 200 }, () => store.reserve(fp, 0).pipe(yieldBeforeEveryOp)),
        { concurrency: "unbounded" },
      )
      assert.strictEqual(results.filter((r) => r._tag === "Granted").length, 50)
      assert.strictEqual(results.filter((r) => r._tag === "Exhausted").length, 150)
      assert.strictEqual(Option.getOrUndefined(yield* store.get(fp))?.remaining, 0)
      yield* stepUntil(() => seen.length === 51, "every reservation reported")
      // Each granted reservation is reported once (in whatever order the notifications ran).
      assert.deepStrictEqual(
        seen.slice(1).sort((a, b) => (b ?? 0) - (a ?? 0)),
        Array.from({ length: 50 }, (_, i) => 49 - i),
      )
      yield* Fiber.interrupt(fiber)
    }),
  )

  it.effect("control: a get-then-update reservation in the same harness does over-grant", () =>
    Effect.gen(function* () {
      const atomic = yield* contend((store) => store.reserve(fp, 0))
      assert.deepStrictEqual(atomic, { granted: 50, remaining: 0 })
      const naive = yield* contend((store) =>
        Effect.gen(function* () {
          const current = Option.getOrThrow(yield* store.get(fp))
          if ((current.remaining ?? 0) === 0) return { _tag: "Exhausted", resetAt: 10_000 } as const
          yield* store.update(fp, { ...current, remaining: (current.remaining ?? 0) - 1 })
          return { _tag: "Granted" } as const
        }),
      )
      assert.isAbove(naive.granted, 50, "the harness does interleave a read and a write")
    }),
  )
})

describe("Promise API: client.rateLimit.changes() over the sandbox", () => {
  const apiKey = "oh_changes_key_0001"
  let sandbox: Sandbox
  beforeAll(async () => {
    // A long window, so that the numbers only move because of this test's requests.
    sandbox = await start({ keys: [apiKey], rateLimit: { limit: 1000, windowMs: 600_000 } })
  })
  afterAll(() => sandbox.close())

  const newClient = () =>
    createClient({ apiKey, baseUrl: sandbox.url, rateLimitState: "isolated", batching: false })

  itAsync("yields the latest snapshot, then the next request's numbers; break unsubscribes", async () => {
    const tracker = installTracker()
    const client = newClient()
    try {
      await client.concepts.get(201826)
      const latest = (await client.rateLimit.current())!
      expect(latest).toMatchObject({ limit: 1000, windowMs: 600_000 })

      const seen: Array<RateLimitSnapshot> = []
      for await (const snapshot of client.rateLimit.changes()) {
        seen.push(snapshot)
        if (seen.length === 1) {
          expect(tracker.live()).toBe(1)
          await client.concepts.get(320128)
        }
        if (snapshot.observedAt > latest.observedAt || seen.length === 10) break
      }
      expect(seen[0]).toEqual(latest)
      // The gate's reservation (local: remaining - 1), then the server's report of that request.
      expect(seen.map((s) => s.remaining)).toEqual([
        latest.remaining,
        latest.remaining! - 1,
        latest.remaining! - 1,
      ])
      expect(seen[1]!.observedAt).toBe(latest.observedAt)
      expect(seen[2]!.observedAt).toBeGreaterThan(latest.observedAt)
      expect(tracker.sets()).toBe(1)
      expect(tracker.live()).toBe(0)

      // A new loop starts again from the latest snapshot; two loops at once each get the change.
      const now = (await client.rateLimit.current())!
      expect(now).toEqual(seen[2])
      const first = client.rateLimit.changes()[Symbol.asyncIterator]()
      const second = client.rateLimit.changes()[Symbol.asyncIterator]()
      expect((await first.next()).value).toEqual(now)
      expect((await second.next()).value).toEqual(now)
      expect(tracker.live()).toBe(2)
      await client.concepts.get(4329847)
      expect((await first.next()).value).toMatchObject({ remaining: now.remaining! - 1 })
      expect((await second.next()).value).toMatchObject({ remaining: now.remaining! - 1 })
      expect(await first.return?.()).toEqual({ done: true, value: undefined })
      expect(tracker.live()).toBe(1)
      expect(await second.return?.()).toEqual({ done: true, value: undefined })
      expect(tracker.live()).toBe(0)
      expect(await first.next()).toEqual({ done: true, value: undefined })
    } finally {
      tracker.restore()
      await client.close()
    }
  })

  // Was a defect (src/client/PromiseClient.ts): `return()` before the first `next()` had settled found
  // no inner iterator yet and answered done without cancelling; that `next()` then subscribed and
  // resolved with a value, and the subscription stayed until `return()` was called again.
  itAsync(
    "return() while the first next() is pending ends the iteration and leaves no subscriber",
    async () => {
      const tracker = installTracker()
      const client = newClient()
      const iterator = client.rateLimit.changes()[Symbol.asyncIterator]()
      try {
        await client.concepts.get(201826)
        const pending = iterator.next()
        expect(await iterator.return?.()).toEqual({ done: true, value: undefined })
        expect(await pending).toEqual({ done: true, value: undefined })
        expect(tracker.live()).toBe(0)
        expect(await iterator.next()).toEqual({ done: true, value: undefined })
        expect(tracker.live()).toBe(0)
      } finally {
        await iterator.return?.()
        tracker.restore()
        await client.close()
      }
    },
  )

  itAsync("return() while a later next() waits for a change ends it and unsubscribes", async () => {
    const tracker = installTracker()
    const client = newClient()
    const iterator = client.rateLimit.changes()[Symbol.asyncIterator]()
    try {
      await client.concepts.get(201826)
      expect((await iterator.next()).done).toBe(false)
      expect(tracker.live()).toBe(1)
      const pending = iterator.next() // nothing changes: it waits
      expect(await iterator.return?.()).toEqual({ done: true, value: undefined })
      expect(await pending).toEqual({ done: true, value: undefined })
      expect(tracker.live()).toBe(0)
    } finally {
      tracker.restore()
      await client.close()
    }
  })

  /** `promise`'s outcome, or "hung" if it has not settled after a generous bound (a hang guard only). */
  const settled = <A>(promise: Promise<A>) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const guard = new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), 20_000)
    })
    return Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      guard,
    ]).finally(() => clearTimeout(timer))
  }

  // close() ends every iteration (documented on `OMOPHub.close`): a pending next() resolves done, the
  // way a `for await` loop over a finished stream ends; a new iteration on the closed client rejects
  // with the ConfigurationError that every call on a closed client rejects with.
  itAsync(
    "close() while next() waits (subscribed or not yet) settles it as done; later ones too",
    async () => {
      const tracker = installTracker()
      const client = newClient()
      try {
        await client.concepts.get(201826)
        const subscribed = client.rateLimit.changes()[Symbol.asyncIterator]()
        expect((await subscribed.next()).done).toBe(false)
        const waiting = subscribed.next() // subscribed, waiting for a change
        const starting = client.rateLimit.changes()[Symbol.asyncIterator]().next() // not subscribed yet
        const closing = client.close()
        expect(await settled(waiting)).toEqual({ value: { done: true, value: undefined } })
        expect(await settled(starting)).toEqual({ value: { done: true, value: undefined } })
        await closing
        expect(tracker.live()).toBe(0)
        expect(await subscribed.next()).toEqual({ done: true, value: undefined })
        const late = await settled(client.rateLimit.changes()[Symbol.asyncIterator]().next())
        expect(late !== "hung" && "error" in late ? late.error : late).toBeInstanceOf(ConfigurationError)
        expect(tracker.live()).toBe(0)
      } finally {
        tracker.restore()
        await client.close()
      }
    },
  )
})
