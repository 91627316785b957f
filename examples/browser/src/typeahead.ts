/**
 * Type-ahead without a framework: waits until typing pauses, then runs one search; a newer keystroke
 * aborts the search in flight (its `AbortSignal` cancels the HTTP request) so a slow, stale answer can
 * never replace a newer one.
 */

export interface TypeaheadOptions<A> {
  /** Runs the search; must stop (reject) when `signal` aborts. */
  readonly search: (query: string, signal: AbortSignal) => Promise<A>
  /** The answer for `query`, which is still the current text. */
  readonly onResults: (query: string, results: A) => void
  /** The search for `query` failed (not called for aborted searches). */
  readonly onError: (query: string, error: unknown) => void
  /** A search for `query` is about to start. */
  readonly onSearching?: ((query: string) => void) | undefined
  /** The text is too short to search: clear the suggestions. */
  readonly onClear?: (() => void) | undefined
  /** Pause after the last keystroke before searching; default 200 ms. */
  readonly delayMs?: number | undefined
  /** Shorter text is not searched; default 2 characters. */
  readonly minLength?: number | undefined
}

export interface Typeahead {
  /** The text changed. */
  readonly update: (text: string) => void
  /** Drop the pending search and abort the one in flight. */
  readonly cancel: () => void
}

export const typeahead = <A>(options: TypeaheadOptions<A>): Typeahead => {
  const delayMs = options.delayMs ?? 200
  const minLength = options.minLength ?? 2
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: AbortController | undefined
  let current = ""

  const stop = () => {
    clearTimeout(timer)
    timer = undefined
    inFlight?.abort(new DOMException("A newer query replaced this one", "AbortError"))
    inFlight = undefined
  }

  const run = (query: string) => {
    const controller = new AbortController()
    inFlight = controller
    options.onSearching?.(query)
    const settle = () => {
      if (inFlight === controller) inFlight = undefined
    }
    options.search(query, controller.signal).then(
      (results) => {
        if (controller.signal.aborted) return
        settle()
        options.onResults(query, results)
      },
      (error: unknown) => {
        if (controller.signal.aborted) return
        settle()
        options.onError(query, error)
      },
    )
  }

  const update = (text: string) => {
    const query = text.trim()
    // Same words (e.g. a trailing space typed): the search pending, running or shown still fits.
    if (query === current) return
    current = query
    stop()
    if (query.length < minLength) {
      options.onClear?.()
      return
    }
    timer = setTimeout(() => {
      timer = undefined
      run(query)
    }, delayMs)
  }

  const cancel = () => {
    stop()
    // The next update searches even if it brings back the same text.
    current = ""
  }

  return { update, cancel }
}
