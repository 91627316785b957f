import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { makeKeychain } from "../src/index.ts"

const run = promisify(execFile)
const fixture = (name: string) => join(import.meta.dirname, "fixtures", name)

/** Runs the fixture program in a fresh Node process and returns its JSON line. */
const lookUpInChild = async (preload: string, env: Record<string, string>) => {
  const { stdout } = await run(process.execPath, ["--import", fixture(preload), fixture("keychain-get.ts")], {
    env: { ...process.env, ...env },
    timeout: 10_000,
  })
  return JSON.parse(stdout.trim()) as {
    error?: string
    reason?: string
    elapsedMs: number
    envReadsAtLoad: string[]
  }
}

describe.runIf(process.platform === "linux")(
  "KeychainLive (@napi-rs/keyring) without a Secret Service",
  () => {
    it("reports RuntimeUnavailable quickly when D-Bus is unreachable, and import reads no env", async () => {
      const outcome = await lookUpInChild("guard-globals.ts", {
        DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
      })
      expect(outcome.error).toBe("RuntimeUnavailable")
      expect(outcome.reason).toMatch(/D-?Bus/i)
      expect(outcome.elapsedMs).toBeLessThan(3_000)
      expect(outcome.envReadsAtLoad).toEqual([])
    })

    it("reports RuntimeUnavailable within the timeout when the bus never answers", async () => {
      const folder = mkdtempSync(join(tmpdir(), "omophub-silent-bus-"))
      const socketPath = join(folder, "bus")
      const connections: Socket[] = []
      // Accepts the connection and never completes the D-Bus handshake.
      const server = createServer((socket) => void connections.push(socket))
      await new Promise<void>((resolve) => server.listen(socketPath, resolve))
      const previous = process.env.DBUS_SESSION_BUS_ADDRESS
      process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${socketPath}`
      try {
        const keychain = makeKeychain({ timeout: "400 millis" })
        const started = Date.now()
        const error = await Effect.runPromise(Effect.flip(keychain.get("omophub-test", "default")))
        expect(error._tag).toBe("RuntimeUnavailable")
        expect(error).toMatchObject({ capability: "keychain" })
        expect(error.reason).toContain("did not answer")
        expect(Date.now() - started).toBeLessThan(2_000)
      } finally {
        if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
        else process.env.DBUS_SESSION_BUS_ADDRESS = previous
        // Hanging up lets the native call still waiting on the socket finish.
        for (const socket of connections) socket.destroy()
        await new Promise((resolve) => server.close(resolve))
        rmSync(folder, { recursive: true, force: true })
      }
    })
  },
)

describe("KeychainLive without the native module", () => {
  it("imports fine and reports RuntimeUnavailable when @napi-rs/keyring cannot be loaded", async () => {
    const outcome = await lookUpInChild("hide-keyring.ts", {})
    expect(outcome).toMatchObject({ error: "RuntimeUnavailable" })
    expect(outcome.reason).toContain("@napi-rs/keyring could not be loaded")
  })
})
