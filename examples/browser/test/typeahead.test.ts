// The type-ahead's timing and cancellation, with fake timers (no wall-clock assertions).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { typeahead } from "../src/typeahead.ts"

interface Call {
  readonly query: string
  readonly signal: AbortSignal
  readonly resolve: (value: string[]) => void
  readonly reject: (error: unknown) => void
}

const harness = () => {
  const calls: Call[] = []
  const results: Array<[string, string[]]> = []
  const errors: Array<[string, unknown]> = []
  let cleared = 0
  const ahead = typeahead<string[]>({
    search: (query, signal) =>
      new Promise<string[]>((resolve, reject) => {
        calls.push({ query, signal, resolve, reject })
        signal.addEventListener("abort", () => reject(signal.reason))
      }),
    onResults: (query, found) => results.push([query, found]),
    onError: (query, error) => errors.push([query, error]),
    onClear: () => {
      cleared += 1
    },
    delayMs: 200,
    minLength: 2,
  })
  return { ahead, calls, results, errors, cleared: () => cleared }
}

const typeChars = (ahead: { update: (text: string) => void }, text: string, gapMs: number) => {
  for (let i = 1; i <= text.length; i++) {
    ahead.update(text.slice(0, i))
    vi.advanceTimersByTime(gapMs)
  }
}

describe("typeahead", () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("searches once, for the last text, when the keystrokes come faster than the delay", async () => {
    const { ahead, calls, results } = harness()
    typeChars(ahead, "diab", 50)
    expect(calls).toEqual([])
    vi.advanceTimersByTime(200)
    expect(calls.map((call) => call.query)).toEqual(["diab"])
    calls[0]?.resolve(["Type 2 diabetes mellitus"])
    await vi.runAllTimersAsync()
    expect(results).toEqual([["diab", ["Type 2 diabetes mellitus"]]])
  })

  it("aborts the search in flight when the text changes, and never shows its late answer", async () => {
    const { ahead, calls, results, errors } = harness()
    ahead.update("dia")
    vi.advanceTimersByTime(200)
    const stale = calls[0]!
    ahead.update("diab")
    expect(stale.signal.aborted).toBe(true)
    expect((stale.signal.reason as DOMException).name).toBe("AbortError")
    stale.resolve(["late answer for dia"])
    vi.advanceTimersByTime(200)
    const fresh = calls[1]!
    expect(fresh.query).toBe("diab")
    expect(fresh.signal.aborted).toBe(false)
    fresh.resolve(["Diabetes mellitus"])
    await vi.runAllTimersAsync()
    expect(results).toEqual([["diab", ["Diabetes mellitus"]]])
    expect(errors).toEqual([])
  })

  it("does not search text shorter than the minimum, and clears the suggestions", () => {
    const { ahead, calls, cleared } = harness()
    ahead.update("d")
    vi.advanceTimersByTime(1_000)
    expect(calls).toEqual([])
    expect(cleared()).toBe(1)
  })

  it("ignores whitespace-only changes and reports real failures", async () => {
    const { ahead, calls, errors } = harness()
    ahead.update("diab")
    vi.advanceTimersByTime(200)
    ahead.update("diab ")
    vi.advanceTimersByTime(200)
    expect(calls).toHaveLength(1)
    calls[0]?.reject(new Error("boom"))
    await vi.runAllTimersAsync()
    expect(errors.map(([query, error]) => [query, (error as Error).message])).toEqual([["diab", "boom"]])
  })

  it("cancel() drops the pending search and aborts the running one", () => {
    const { ahead, calls } = harness()
    ahead.update("diabetes")
    vi.advanceTimersByTime(200)
    ahead.update("diabetes m")
    ahead.cancel()
    vi.advanceTimersByTime(1_000)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.signal.aborted).toBe(true)
  })
})
