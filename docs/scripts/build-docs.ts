// Builds the documentation site (API reference of every public package + the guides) into docs/site
// and reports every validation warning. Runs typedoc through its API rather than its CLI for two
// reasons: (1) one TypeScript program for all packages (the adapters re-export core; one program
// makes those re-exports links instead of six copies of core, and is several times faster than
// `entryPointStrategy: "packages"`), and (2) typedoc's notExported check only looks at types of
// the project's own package, so it is run once per package here.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import {
  Application,
  Converter,
  type DeclarationReflection,
  ReflectionKind,
  ReflectionType,
  UnknownType,
} from "typedoc"
import ts from "typescript"

export const docsRoot = new URL("..", import.meta.url).pathname
export const packageNames = [
  "@omophub/core",
  "@omophub/node",
  "@omophub/deno",
  "@omophub/bun",
  "@omophub/browser",
  "@omophub/sandbox",
] as const

export type CheckName = "notExported" | "notDocumented" | "invalidLink" | "invalidPath" | "error" | "other"

export interface ValidationFailure {
  readonly check: CheckName
  /** The package the offending symbol is defined in, when the message names one. */
  readonly packageName: string | undefined
  readonly message: string
}

export interface DocsBuild {
  /** False when typedoc could not convert the sources or render the site. */
  readonly built: boolean
  readonly failures: ReadonlyArray<ValidationFailure>
  readonly strict: boolean
}

const capital = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`

const definedIn = /defined in (@omophub\/[a-z]+)\//

function classify(message: string): CheckName {
  if (message.includes("but not included in the documentation")) return "notExported"
  if (message.includes("does not have any documentation")) return "notDocumented"
  if (message.includes("Failed to resolve link")) return "invalidLink"
  if (message.includes("is not a file") || message.includes("did not match any files")) return "invalidPath"
  return "other"
}

// typedoc names resolve-mode modules by path ("core/src"); the site should say "@omophub/core".
function packageNameOfModule(moduleName: string): string | undefined {
  const dir = /^([a-z]+)\/src$/.exec(moduleName)?.[1]
  if (dir === undefined) return undefined
  const manifest = JSON.parse(readFileSync(join(docsRoot, "..", "packages", dir, "package.json"), "utf8"))
  return manifest.name as string
}

export async function buildDocs(options: { readonly emit?: boolean } = {}): Promise<DocsBuild> {
  const app = await Application.bootstrapWithPlugins({ options: join(docsRoot, "typedoc.json") })
  const strict = app.options.getValue("treatValidationWarningsAsErrors")

  // Collect every warning and error (validation, broken relative paths in the guides, a missing
  // {@includeCode} file...) instead of only counting them. Deduplicated: the notDocumented and
  // invalidLink checks see the same reflections on every validation pass below.
  const seen = new Set<string>()
  const failures: ValidationFailure[] = []
  const record = (check: CheckName | undefined, message: string) => {
    if (seen.has(message)) return
    seen.add(message)
    failures.push({ check: check ?? classify(message), packageName: definedIn.exec(message)?.[1], message })
  }
  const logger = app.logger
  const warn = logger.warn.bind(logger) as (message: string, ...rest: unknown[]) => void
  const error = logger.error.bind(logger) as (message: string, ...rest: unknown[]) => void
  logger.warn = ((message: string, ...rest: unknown[]) => {
    record(undefined, message)
    warn(message, ...rest)
  }) as typeof logger.warn
  logger.error = ((message: string, ...rest: unknown[]) => {
    record("error", message)
    error(message, ...rest)
  }) as typeof logger.error

  // Before links are resolved, so that {@link "@omophub/node"} works.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const child of context.project.children ?? []) {
      if (!child.kindOf(ReflectionKind.Module)) continue
      const name = packageNameOfModule(child.name)
      if (name !== undefined) child.name = name
    }
    // The method descriptor records (`resources`, `Concepts.methods`, ...) would print every
    // descriptor's full generic type (over a megabyte of HTML for `resources`). Show their keys;
    // the per-resource interfaces (`ConceptsApi`, ...) document the methods.
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Variable)) {
      const variable = reflection as DeclarationReflection
      if (variable.name !== "resources" && variable.name !== "methods") continue
      if (!(variable.type instanceof ReflectionType)) continue
      const keys = (variable.type.declaration.children ?? []).map((c) => c.name)
      const value =
        variable.name === "resources" ? (key: string) => `typeof ${capital(key)}.methods` : () => "Method<…>"
      variable.type = new UnknownType(`{ ${keys.map((key) => `readonly ${key}: ${value(key)}`).join("; ")} }`)
      variable.defaultValue = undefined
    }
  })

  // The client resource interfaces (packages/core/src/client/PromiseApis.ts) name their types, but
  // typedoc converts a signature from the checker's types, where schema-derived aliases such as
  // `Concept` have lost their names and would be printed in full for every method. Convert those
  // signatures from their written type nodes instead, so `Promise<Concept>` links to `Concept`.
  app.converter.on(Converter.EVENT_CREATE_SIGNATURE, (context, signature, declaration) => {
    if (
      declaration === undefined ||
      !ts.isMethodSignature(declaration) ||
      !declaration.getSourceFile().fileName.endsWith("/client/PromiseApis.ts")
    ) {
      return
    }
    const scope = context.withScope(signature)
    if (declaration.type !== undefined) {
      signature.type = context.converter.convertType(scope, declaration.type)
    }
    for (const [index, parameter] of (signature.parameters ?? []).entries()) {
      const node = declaration.parameters[index]?.type
      if (node !== undefined) parameter.type = context.converter.convertType(scope, node)
    }
  })

  const project = await app.convert()
  if (project === undefined) return { built: false, failures, strict }

  const configured = app.options.getValue("validation")
  const ownPackageName = project.packageName
  if (configured.notExported) {
    app.options.setValue("validation", { ...configured, notDocumented: false, invalidLink: false })
    for (const packageName of packageNames) {
      project.packageName = packageName
      app.validate(project)
    }
    project.packageName = ownPackageName
  }
  app.options.setValue("validation", { ...configured, notExported: false })
  app.validate(project)
  app.options.setValue("validation", configured)

  if (options.emit !== false) await app.generateOutputs(project)
  return { built: !app.logger.hasErrors(), failures, strict }
}

export function summarize(build: DocsBuild): string {
  const lines = [
    `docs: ${build.built ? "site built" : "build FAILED"}, ${build.failures.length} validation warning(s)`,
  ]
  const byCheck = new Map<string, string[]>()
  for (const failure of build.failures) {
    const key = `${failure.check}${failure.packageName ? ` ${failure.packageName}` : ""}`
    byCheck.set(key, [...(byCheck.get(key) ?? []), failure.message])
  }
  for (const [key, messages] of [...byCheck].sort()) {
    lines.push(`  ${key}: ${messages.length}`)
    // The per-symbol checks are long lists (typedoc printed them above); the rest are few and unusual.
    if (!key.startsWith("notDocumented") && !key.startsWith("notExported")) {
      for (const message of messages) lines.push(`    ${message}`)
    }
  }
  return lines.join("\n")
}

if (import.meta.main) {
  const build = await buildDocs()
  console.log(summarize(build))
  // The site is written even with validation warnings (to look at), but the run fails.
  if (!build.built || (build.strict && build.failures.length > 0)) process.exit(1)
}
