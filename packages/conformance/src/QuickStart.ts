/**
 * Pulls the quick start out of an adapter's README so a test can run it as written: the first
 * `ts` block under "## Quick start", with the package import pointed at the package's sources,
 * and the `sh` block that follows it (the documented command line).
 *
 * @module
 */

export interface QuickStart {
  /** The code, importing `../src/index.ts` instead of the package name (run it from `<pkg>/test-results/`). */
  readonly code: string
  /** Non-blank lines of code as documented. */
  readonly lines: number
  /** The documented command, if the README gives one. */
  readonly command?: string | undefined
}

export const quickStart = (readme: string, packageName: string): QuickStart => {
  const section = readme.split(/^## Quick start\s*$/m)[1]?.split(/^## /m)[0]
  if (section === undefined) throw new Error("the README has no '## Quick start' section")
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  if (code === undefined) throw new Error("the quick start has no ts code block")
  const command = /```sh\n([\s\S]*?)```/
    .exec(section)?.[1]
    ?.replace(/\\\n\s*/g, "")
    .trim()
  const quoted = packageName.replace(/[/@]/g, (character) => `\\${character}`)
  const local = code.replace(new RegExp(`(["'])${quoted}\\1`, "g"), '"../src/index.ts"')
  if (local === code) throw new Error(`the quick start does not import ${packageName}`)
  return { code: local, lines: code.split("\n").filter((line) => line.trim() !== "").length, command }
}
