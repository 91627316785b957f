/** `--compare a.json b.json`: every figure both runs have, with the change from a to b as a ratio. */
import { readFile } from "node:fs/promises"
import type { Figures } from "./report.ts"

interface Run {
  readonly date?: string
  readonly mode?: string
  readonly figures: Figures
}

/** A file that is missing, not JSON or not a bench result is a usage error: one line, exit 2. */
const unusable = (file: string, reason: string): never => {
  console.error(`--compare: ${file}: ${reason}\nusage: node src/main.ts --compare a.json b.json`)
  return process.exit(2)
}

const load = async (file: string): Promise<Run> => {
  let text: string
  try {
    text = await readFile(file, "utf8")
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return unusable(file, `cannot read it${typeof code === "string" ? ` (${code})` : ""}`)
  }
  let run: Run
  try {
    run = JSON.parse(text) as Run
  } catch {
    return unusable(file, "not JSON")
  }
  if (typeof run !== "object" || run === null || typeof run.figures !== "object" || run.figures === null) {
    return unusable(file, 'not a bench result (no "figures")')
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
