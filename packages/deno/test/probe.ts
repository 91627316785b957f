// Starts the probe fixture in a fresh Deno process with exactly the given permission flags.

const fixture = new URL("./fixtures/probe.ts", import.meta.url).pathname

export interface ProbeOutcome {
  readonly value?: unknown
  readonly error?: string
  readonly reason?: string
}

export const probe = async (
  flags: ReadonlyArray<string>,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly umask?: string } = {},
): Promise<ProbeOutcome> => {
  const deno = [Deno.execPath(), "run", "--no-prompt", ...flags, fixture, ...args]
  // A umask can only be set for a whole process, so the probe is started through sh.
  const [command, commandArgs] =
    options.umask === undefined
      ? [deno[0]!, deno.slice(1)]
      : ["sh", ["-c", `umask ${options.umask} && exec "$@"`, "sh", ...deno]]
  const output = await new Deno.Command(command, {
    args: commandArgs,
    env: options.env ?? {},
    stdout: "piped",
    stderr: "piped",
  }).output()
  const stdout = new TextDecoder().decode(output.stdout).trim()
  if (output.code !== 0 || stdout === "") {
    throw new Error(`probe failed (exit ${output.code}): ${new TextDecoder().decode(output.stderr)}`)
  }
  return JSON.parse(stdout.split("\n").at(-1)!) as ProbeOutcome
}
