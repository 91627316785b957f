/** The same sandbox source served by Deno and Bun, reached over real HTTP. */
import { describe, expect, it } from "vitest"
import { bearer, cliPath, json, runtimeBinary, spawnCli, syntheaDir } from "./server-support.ts"

const runtimes: Array<[string, () => [string, string[]]]> = [
  ["deno", () => [runtimeBinary("deno"), ["run", "-A", cliPath]]],
  ["bun", () => [runtimeBinary("bun"), [cliPath]]],
]

describe.each(runtimes)("sandbox CLI under %s", (_name, command) => {
  it("serves concept 201826, honours scripted faults and exits on SIGTERM", { timeout: 30_000 }, async () => {
    const [binary, args] = command()
    const cli = await spawnCli(binary, [
      ...args,
      "--port",
      "0",
      "--vocab",
      syntheaDir,
      "--key",
      "oh_runtime_key",
      "--control",
      "--quiet",
    ])
    try {
      expect(cli.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      const response = await fetch(`${cli.firstLine}/concepts/201826`, { headers: bearer("oh_runtime_key") })
      expect(response.status).toBe(200)
      expect(response.headers.get("x-request-id")).toMatch(/^req_/)
      expect((await json(response)).data.concept_name).toBe("Type 2 diabetes mellitus")
      const missing = await fetch(`${cli.firstLine}/concepts/201826`)
      expect(missing.status).toBe(401)
      // Faults scripted over the control route behave the same on every runtime.
      const origin = new URL(cli.firstLine).origin
      const scripted = await fetch(`${origin}/_sandbox/faults`, {
        method: "POST",
        body: JSON.stringify([
          { kind: "status", status: 503, retryAfter: 2 },
          { kind: "truncate", sendBytes: 20 },
        ]),
      })
      expect(scripted.status).toBe(201)
      const unavailable = await fetch(`${cli.firstLine}/concepts/201826`, {
        headers: bearer("oh_runtime_key"),
      })
      expect(unavailable.status).toBe(503)
      expect(unavailable.headers.get("retry-after")).toBe("2")
      expect((await json(unavailable)).error.code).toBe("service_unavailable")
      const truncated = fetch(`${cli.firstLine}/concepts/201826`, { headers: bearer("oh_runtime_key") })
      await expect(truncated.then((r) => r.text())).rejects.toThrow()
    } finally {
      expect(await cli.stop("SIGTERM")).toBe(0)
    }
  })
})
