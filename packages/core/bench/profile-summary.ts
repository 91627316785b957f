// Summarises a .cpuprofile: self time by function and by file (top N). `node bench/profile-summary.ts FILE [N]`
import { readFileSync } from "node:fs"

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: Array<number>
}
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as {
  nodes: Array<Node>
  samples: Array<number>
  timeDeltas: Array<number>
}
const top = Number(process.argv[3] ?? 40)
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
let total = 0
const fn = new Map<string, number>()
const file = new Map<string, number>()
for (const [id, t] of self) {
  const n = byId.get(id)!
  total += t
  const u = n.callFrame.url.replace(/^.*node_modules\/(\.pnpm\/)?/, "").replace(/^file:\/\/.*packages\//, "")
  const k = `${n.callFrame.functionName || "(anon)"} ${u}:${n.callFrame.lineNumber + 1}`
  fn.set(k, (fn.get(k) ?? 0) + t)
  const f = u.split("/").slice(0, 4).join("/") || n.callFrame.functionName
  file.set(f, (file.get(f) ?? 0) + t)
}
const show = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, t]) => {
      console.log(`${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    })
console.log("== by file")
show(file)
console.log("== by function")
show(fn)
