// Fails when runtime-specific APIs appear in a runtime-free package (the core): the adapters
// supply environment, files, keychain and transport, so the core must not reach for them itself.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

const forbidden: ReadonlyArray<[RegExp, string]> = [
  [/\bfrom\s+["']node:/, "a node: import"],
  [/\bimport\(\s*["']node:/, "a node: import"],
  [/\bfrom\s+["'](fs|path|os|child_process|crypto|http|https|net|tls|util)["']/, "a Node built-in import"],
  [/(?<![.\w])process\s*\.|(?<![.\w])process\s*\[/, "the `process` global"],
  [/(?<![.\w])Deno\s*\./, "the `Deno` global"],
  [/(?<![.\w])Bun\s*\./, "the `Bun` global"],
  [/(?<![.\w])(localStorage|sessionStorage|indexedDB)\b/, "DOM storage"],
  [/(?<![.\w])(window|document)\s*\./, "DOM globals"],
  [/\bfrom\s+["']effect["']/, "the `effect` root barrel (import effect/<Module> instead)"],
]

const strip = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1")

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : []
  })

const roots = process.argv.slice(2)
const problems: string[] = []
for (const file of roots.flatMap(walk)) {
  strip(readFileSync(file, "utf8"))
    .split("\n")
    .forEach((line, i) => {
      for (const [pattern, what] of forbidden) {
        if (pattern.test(line)) problems.push(`${file}:${i + 1}: ${what}: ${line.trim()}`)
      }
    })
}
if (problems.length > 0) {
  console.error(`runtime-free check failed (${problems.length}):\n${problems.join("\n")}`)
  process.exit(1)
}
console.log(`runtime-free check: ${roots.join(", ")} clean`)
