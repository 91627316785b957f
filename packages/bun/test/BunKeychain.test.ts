import { expect, test } from "bun:test"
import * as Effect from "effect/Effect"
import { makeKeychain } from "../src/index.ts"

test.skipIf(process.platform !== "linux")(
  "without a reachable D-Bus the keychain is RuntimeUnavailable quickly",
  async () => {
    const previous = process.env.DBUS_SESSION_BUS_ADDRESS
    process.env.DBUS_SESSION_BUS_ADDRESS = "unix:path=/nonexistent/bus"
    try {
      const started = Date.now()
      const error = await Effect.runPromise(Effect.flip(makeKeychain().get("omophub-test", "default")))
      expect(error).toMatchObject({ _tag: "RuntimeUnavailable", capability: "keychain" })
      expect((error as { reason: string }).reason).toContain("DBus")
      expect(Date.now() - started).toBeLessThan(3_000)
    } finally {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous
    }
  },
)
