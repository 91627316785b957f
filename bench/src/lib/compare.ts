/** `--compare a.json b.json`: every figure both runs have, with the change from a to b as a ratio. */
import { readFile } from "node:fs/promises"
import type { Figures } from "./report.ts"

interface Run {
  readonly date?: string
  readonly mode?: string
  readonly figures: Figures
}

const load = async (file: string): Promise<Run> => {
  const run = JSON.parse(await readFile(file, "utf8")) as Run
  if (typeof run !== "object" || run === null || typeof run.figures !== "object") {
    throw new Error(`${file} is not a bench result (no "figures")`)
  }
  return run
}

export const compareRuns = async (fileA: string, fileB: string): Promise<string> => {
  const [a, b] = await Promise.all([load(fileA), load(fileB)])
  const names = Object.keys(a.figures).filter((name) => name in b.figures)
  const rows = names.map((name) => {
    const before = a.figures[name]!.value
    const after = b.figures[name]!.value
    const change =
      before === null || after === null || before === 0 ? "n/a" : `${(after / before).toFixed(3)}x`
    return [name, String(before), String(after), a.figures[name]!.unit, change]
  })
  const header = ["figure", "a", "b", "unit", "b/a"]
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()
  const only = (run: Run, other: Run) => Object.keys(run.figures).filter((name) => !(name in other.figures))
  return [
    `a: ${fileA} (${a.date ?? "?"}, ${a.mode ?? "?"})`,
    `b: ${fileB} (${b.date ?? "?"}, ${b.mode ?? "?"})`,
    "",
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
    ...(only(a, b).length > 0 ? ["", `only in a: ${only(a, b).join(", ")}`] : []),
    ...(only(b, a).length > 0 ? ["", `only in b: ${only(b, a).join(", ")}`] : []),
  ].join("\n")
}
