/** The figures of a run: each one a value, its unit, and the target it is held to (if any). */

export interface Figure {
  readonly value: number | null
  readonly unit: string
  /** e.g. "<= 1.10"; the figure passes when `value` satisfies it. */
  readonly target?: string | undefined
  readonly note?: string | undefined
}

export type Figures = Record<string, Figure>

export const meets = (figure: Figure): boolean | undefined => {
  if (figure.target === undefined || figure.value === null || Number.isNaN(figure.value)) return undefined
  const match = /^(<=|>=|<|>|=)\s*([\d.]+)/.exec(figure.target)
  if (match === null) return undefined
  const bound = Number(match[2])
  switch (match[1]) {
    case "<=":
      return figure.value <= bound
    case ">=":
      return figure.value >= bound
    case "<":
      return figure.value < bound
    case ">":
      return figure.value > bound
    default:
      return figure.value === bound
  }
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - text.length))

/** A plain-text table (no colours, stable widths) of every figure. */
export const formatTable = (figures: Figures): string => {
  const rows = Object.entries(figures).map(([name, figure]) => {
    const ok = meets(figure)
    return [
      name,
      figure.value === null ? "n/a" : String(figure.value),
      figure.unit,
      figure.target ?? "",
      ok === undefined ? "" : ok ? "ok" : "MISSED",
      figure.note ?? "",
    ]
  })
  const header = ["figure", "value", "unit", "target", "", "note"]
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  )
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, column) => pad(cell, widths[column]!))
      .join("  ")
      .trimEnd()
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")
}
