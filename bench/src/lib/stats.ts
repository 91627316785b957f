/** Small statistics helpers; every figure the bench reports goes through these. */

/** The `q` quantile (nearest rank) of `values`; NaN for no values. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

/** Rounds to `digits` decimals (keeps NaN). */
export const round = (value: number, digits = 3): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export const ratio = (value: number, reference: number): number => round(value / reference, 3)
