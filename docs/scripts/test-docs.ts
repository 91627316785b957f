// `pnpm --filter @omophub/docs test`: runs the guides' examples against the sandbox, builds the site,
// and turns every check into a JUnit test case (docs/test-results/docs.xml), so `npm test` fails on
// doc rot: an example that no longer runs, an undocumented public symbol, a type that is referenced
// but not exported, a broken link, an {@includeCode} pointing at a missing file, an example no
// guide includes, a client method missing from the migration table, or stale generated client interfaces.
import { execFile } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { errorTags, resources } from "@omophub/core"
import { start } from "@omophub/sandbox"
import {
  buildDocs,
  type CheckName,
  docsRoot,
  packageNames,
  summarize,
  type ValidationFailure,
} from "./build-docs.ts"
import {
  target as clientApisFile,
  render as renderClientApis,
  resourceExamples,
} from "./generate-client-apis.ts"

interface TestCase {
  readonly name: string
  readonly failures: ReadonlyArray<string>
  /** Set for a case that was not run, with the reason. */
  readonly skipped?: string
}

const run = promisify(execFile)
const started = Date.now()
const examplesDir = join(docsRoot, "examples")
const examples = readdirSync(examplesDir).filter((file) => file.endsWith(".ts"))

// Examples that are only type-checked: they write to the real OS keychain, or need a page's origin.
const notRunnable: Readonly<Record<string, string>> = {
  "auth-store-key.ts": "writes to the OS keychain",
  "getting-started-browser.ts": "fetches a token from the page's own backend",
}
const commandFor = (file: string): [string, ...string[]] => {
  const path = join(examplesDir, file)
  if (file.includes("deno")) return ["deno", "run", "--allow-env", "--allow-net=127.0.0.1", path]
  if (file.includes("bun")) return ["bun", path]
  if (file === "testing-sandbox.ts") return ["node", "--test", "--test-reporter=dot", path]
  return ["node", path]
}

// Every example runs against a sandbox, with the key and URL in the environment the default chain
// reads, exactly as a user would run it against the hosted API. (The sandbox lives in this process,
// so the children run asynchronously, before the synchronous typedoc build below.)
const sandbox = await start({ rateLimit: { limit: 100, windowMs: 1000 } })
const env = { ...process.env, OMOPHUB_API_URL: sandbox.url, OMOPHUB_API_KEY: sandbox.defaultKey ?? "" }
const runExample = async (file: string): Promise<TestCase> => {
  const name = `docs/examples/${file} runs against the sandbox`
  const skipped = notRunnable[file]
  if (skipped !== undefined) return { name, failures: [], skipped: `type-checked only: ${skipped}` }
  const [command, ...args] = commandFor(file)
  try {
    await run(command, args, { env, cwd: docsRoot, timeout: 60_000, encoding: "utf8" })
    return { name, failures: [] }
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string }
    return { name, failures: [`${failure.message}\n${failure.stdout ?? ""}${failure.stderr ?? ""}`.trim()] }
  }
}
const exampleCases: TestCase[] = []
const queue = [...examples]
await Promise.all(
  Array.from({ length: 2 }, async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift())
      exampleCases.push(await runExample(file))
  }),
)
exampleCases.sort((a, b) => a.name.localeCompare(b.name))
await sandbox.close()

const build = await buildDocs()
const of = (check: CheckName, packageName?: string): string[] =>
  build.failures
    .filter(
      (f: ValidationFailure) =>
        f.check === check && (packageName === undefined || f.packageName === packageName),
    )
    .map((f) => f.message)

// An example file that no guide includes is dead code that still looks like documentation.
const guides = readdirSync(join(docsRoot, "guides")).filter((file) => file.endsWith(".md"))
const guideText = guides.map((file) => readFileSync(join(docsRoot, "guides", file), "utf8")).join("\n")
const orphanedExamples = examples
  .filter((file) => !guideText.includes(`../examples/${file}`))
  .map((file) => `docs/examples/${file} is not included by any guide`)

// The migration guide's table must name every client method, and mark exactly the paged ones.
const migration = readFileSync(join(docsRoot, "guides", "16-migrating-from-the-official-node-sdk.md"), "utf8")
const migrationProblems = Object.entries(resources).flatMap(([resource, methods]) =>
  Object.entries(methods).flatMap(([name, method]) => {
    const call = `client.${resource}.${name}(`
    const row = migration.split("\n").find((line) => line.includes(call))
    if (row === undefined) return [`${call}...) is missing from the method table`]
    const paged = (method as { operation: { pageItems?: unknown } }).operation.pageItems !== undefined
    if (paged !== row.includes("Iter/Pages/All")) {
      return [
        `${call}...) is ${paged ? "" : "not "}paged; its row must ${paged ? "" : "not "}say "+ Iter/Pages/All"`,
      ]
    }
    return []
  }),
)

// The errors guide must describe every error of the family (its table rows link to each class).
const errorsGuide = readFileSync(join(docsRoot, "guides", "14-errors.md"), "utf8")
const undescribedErrors = errorTags
  .filter((tag) => !errorsGuide.includes(`{@link "@omophub/core".${tag} | ${tag}}`))
  .map((tag) => `${tag} has no row in guides/14-errors.md`)

// The per-resource interfaces of the clients are generated from the method descriptors.
const staleClientApis =
  renderClientApis() === readFileSync(clientApisFile, "utf8")
    ? []
    : [`${clientApisFile} is stale: run node docs/scripts/generate-client-apis.ts`]

// The examples in those interfaces' doc comments call methods that exist (variants included).
const exampleCallProblems = Object.entries(resourceExamples).flatMap(([resource, example]) =>
  [...example.matchAll(/client\.(\w+)\.(\w+)\(/g)].flatMap(([call, onResource, name]) => {
    const methods = (resources as Record<string, Record<string, unknown>>)[onResource ?? ""] ?? {}
    const base = (name ?? "").replace(/(Iter|Pages|All)$/, "")
    return onResource === resource && ((name ?? "") in methods || base in methods)
      ? []
      : [`the ${resource} example calls ${call}...), which does not exist`]
  }),
)

const cases: TestCase[] = [
  {
    name: "typedoc converts every package and renders the site",
    failures: build.built ? [] : ["see the log"],
  },
  ...packageNames.flatMap((name) => [
    {
      name: `${name}: every public symbol is documented (notDocumented)`,
      failures: of("notDocumented", name),
    },
    { name: `${name}: every referenced type is exported (notExported)`, failures: of("notExported", name) },
  ]),
  { name: "every {@link} resolves (invalidLink)", failures: of("invalidLink") },
  { name: "every relative path in the guides is a file (invalidPath)", failures: of("invalidPath") },
  { name: "no other typedoc validation warnings", failures: of("other") },
  { name: "every docs/examples/*.ts file is included by a guide", failures: orphanedExamples },
  { name: "the migration guide lists every client method", failures: migrationProblems },
  { name: "the errors guide describes every error tag", failures: undescribedErrors },
  {
    name: "the client resource interfaces (PromiseApis.ts) match the method descriptors",
    failures: staleClientApis,
  },
  { name: "the client resource interfaces' examples call existing methods", failures: exampleCallProblems },
  ...exampleCases,
]

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const failed = cases.filter((c) => c.failures.length > 0)
const seconds = ((Date.now() - started) / 1000).toFixed(3)
const xml = [
  `<?xml version="1.0" encoding="UTF-8"?>`,
  `<testsuites name="docs" tests="${cases.length}" failures="${failed.length}" time="${seconds}">`,
  `  <testsuite name="@omophub/docs" tests="${cases.length}" failures="${failed.length}" time="${seconds}">`,
  ...cases.map((c) =>
    c.skipped !== undefined
      ? `    <testcase classname="docs" name="${escapeXml(c.name)}"><skipped message="${escapeXml(c.skipped)}"/></testcase>`
      : c.failures.length === 0
        ? `    <testcase classname="docs" name="${escapeXml(c.name)}"/>`
        : [
            `    <testcase classname="docs" name="${escapeXml(c.name)}">`,
            `      <failure message="${c.failures.length} problem(s)">${escapeXml(c.failures.join("\n"))}</failure>`,
            `    </testcase>`,
          ].join("\n"),
  ),
  `  </testsuite>`,
  `</testsuites>`,
  ``,
].join("\n")
mkdirSync(join(docsRoot, "test-results"), { recursive: true })
writeFileSync(join(docsRoot, "test-results", "docs.xml"), xml)

console.log(summarize(build))
for (const c of cases) {
  const mark = c.skipped !== undefined ? "-" : c.failures.length === 0 ? "✓" : "✗"
  console.log(
    `${mark} ${c.name}${c.failures.length ? ` (${c.failures.length})` : ""}${c.skipped ? ` (${c.skipped})` : ""}`,
  )
  // Per-symbol lists were printed by typedoc above; print the other failures here.
  if (c.failures.length > 0 && !/notDocumented|notExported/.test(c.name)) {
    for (const failure of c.failures) console.log(`    ${failure.replaceAll("\n", "\n    ")}`)
  }
}
if (failed.length > 0) process.exit(1)
