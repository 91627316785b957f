/**
 * Progress output: a bar redrawn in place with the live rate-limit state on a terminal, plain lines
 * at most once per tenth of the input otherwise (logs, CI, pipes; at chunk boundaries, so some tenths are skipped).
 */
import type { RateLimitSnapshot } from "@omophub/node"

export interface ProgressState {
  readonly done: number
  readonly total: number
  readonly distinct: number
  readonly requests: number
  readonly rateLimit: RateLimitSnapshot | undefined
}

export interface Progress {
  readonly update: (state: ProgressState) => void
  readonly finish: () => void
}

export const describeRateLimit = (snapshot: RateLimitSnapshot | undefined, now = Date.now()): string => {
  if (snapshot === undefined || snapshot.limit === undefined) return "rate limit: not reported yet"
  const remaining = snapshot.remaining ?? "?"
  const reset =
    snapshot.resetAt === undefined
      ? ""
      : `, window resets in ${(Math.max(0, snapshot.resetAt - now) / 1000).toFixed(1)} s`
  return `rate limit: ${remaining}/${snapshot.limit} left${reset}`
}

const percent = (state: ProgressState) => (state.total === 0 ? 100 : (100 * state.done) / state.total)

export const makeProgress = (out: NodeJS.WriteStream): Progress => {
  if (out.isTTY) {
    let last = ""
    return {
      update: (state) => {
        const width = 28
        const filled = Math.round((width * percent(state)) / 100)
        const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`
        const line =
          `${bar} ${percent(state).toFixed(0).padStart(3)}%  ${state.done}/${state.total} rows, ` +
          `${state.distinct} codes, ${state.requests} requests  ${describeRateLimit(state.rateLimit)}`
        if (line === last) return
        last = line
        out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns || 120) - 1))}`)
      },
      finish: () => {
        out.write("\n")
      },
    }
  }
  let nextTenth = 1
  return {
    update: (state) => {
      const tenth = Math.floor(percent(state) / 10)
      if (tenth < nextTenth) return
      nextTenth = tenth + 1
      out.write(
        `progress: ${state.done}/${state.total} rows (${percent(state).toFixed(0)}%), ${state.distinct} distinct codes, ` +
          `${state.requests} requests, ${describeRateLimit(state.rateLimit)}\n`,
      )
    },
    finish: () => {},
  }
}
