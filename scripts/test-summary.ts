// Prints one closing line for the whole test run, summed over every runner's machine-readable
// report (vitest JSON, JUnit XML from deno test, bun test and the docs checks) found under
// packages/*/test-results, examples/*/test-results, bench/test-results and docs/test-results.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
let passed = 0
let failed = 0
let skipped = 0
const reports: string[] = []

for (const group of ["packages", "examples", "bench", "docs"]) {
  const base = join(root, group)
  if (!existsSync(base)) continue
  const dirs =
    group === "bench" || group === "docs" ? [base] : readdirSync(base).map((name) => join(base, name))
  for (const dir of dirs) {
    const results = join(dir, "test-results")
    if (!existsSync(results)) continue
    for (const file of readdirSync(results)) {
      // Only reports: runners may leave other things here (bun creates a `.bun` folder).
      if (!file.endsWith(".json") && !file.endsWith(".xml")) continue
      const text = readFileSync(join(results, file), "utf8")
      if (file.endsWith(".json")) {
        const report = JSON.parse(text) as {
          numPassedTests: number
          numFailedTests: number
          numPendingTests: number
          numTodoTests: number
        }
        // Other JSON files (e.g. a bundle-size record) are not test reports.
        if (typeof report.numPassedTests !== "number") continue
        passed += report.numPassedTests
        failed += report.numFailedTests
        skipped += report.numPendingTests + report.numTodoTests
      } else if (file.endsWith(".xml")) {
        for (const match of text.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
          const inner = match[2] ?? ""
          if (/<(failure|error)\b/.test(inner)) failed++
          else if (/<skipped\b/.test(inner)) skipped++
          else passed++
        }
      } else continue
      reports.push(join(results, file).slice(root.length))
    }
  }
}
console.log(`test reports: ${reports.join(", ") || "none"}`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
if (reports.length === 0 || passed === 0 || failed > 0) process.exit(1)
