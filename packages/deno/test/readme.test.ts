// The README's quick start, run as written by `deno run` with exactly the documented permissions
// (only --allow-net pointed at the sandbox instead of api.omophub.com), against the sandbox the
// test script started.
import { quickStart } from "@omophub/conformance"

const assertEquals = (actual: unknown, expected: unknown, what: string) => {
  if (actual !== expected)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

Deno.test("the README quick start prints the concept name with the documented permissions", async () => {
  const packageRoot = new URL("..", import.meta.url)
  const example = quickStart(await Deno.readTextFile(new URL("README.md", packageRoot)), "@omophub/deno")
  if (example.lines > 5) throw new Error(`the quick start has ${example.lines} lines`)
  const flags = (example.command ?? "").split(/\s+/).filter((word) => word.startsWith("--allow-"))
  assertEquals(
    flags.some((flag) => flag.startsWith("--allow-env=OMOPHUB_API_KEY")),
    true,
    "documented --allow-env",
  )
  const apiUrl = Deno.env.get("OMOPHUB_API_URL") ?? ""
  const permissions = flags.map((flag) =>
    flag.startsWith("--allow-net=") ? `--allow-net=${new URL(apiUrl).host}` : flag,
  )
  const folder = new URL("test-results/", packageRoot)
  await Deno.mkdir(folder, { recursive: true })
  const file = new URL("quickstart.ts", folder)
  await Deno.writeTextFile(file, example.code)
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      new URL("deno.json", packageRoot).pathname,
      ...permissions,
      file.pathname,
    ],
    env: { OMOPHUB_API_URL: apiUrl, OMOPHUB_API_KEY: Deno.env.get("OMOPHUB_API_KEY") ?? "" },
    stdout: "piped",
    stderr: "piped",
  }).output()
  const stderr = new TextDecoder().decode(output.stderr)
  assertEquals(output.code, 0, `exit code (stderr: ${stderr})`)
  assertEquals(new TextDecoder().decode(output.stdout), "Type 2 diabetes mellitus\n", "output")
})
