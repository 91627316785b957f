import type { Figures } from "../lib/report.ts"

/** What every section returns: headline figures for the table, and the detail behind them. */
export interface SectionResult {
  readonly figures: Figures
  readonly details: unknown
}

/** Sizes: `full` is the issue's, `smoke` only proves each benchmark produces its figures. */
export type Mode = "full" | "smoke"
