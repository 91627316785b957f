import { assert, assertEquals } from "./assert.ts"
import { probe } from "./probe.ts"

const linux = Deno.build.os === "linux"

Deno.test("without --allow-run the keychain is RuntimeUnavailable, not a crash", async () => {
  const outcome = await probe([], ["keychain-get", "omophub-test", "default"])
  assertEquals(outcome.error, "RuntimeUnavailable")
  if (linux) assert(outcome.reason?.includes("--allow-run=secret-tool") === true, String(outcome.reason))
})

Deno.test({
  name: "with --allow-run but no reachable D-Bus: RuntimeUnavailable quickly",
  ignore: !linux,
  fn: async () => {
    const started = Date.now()
    const outcome = await probe(["--allow-run=secret-tool"], ["keychain-get", "omophub-test", "default"], {
      env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" },
    })
    assertEquals(outcome.error, "RuntimeUnavailable")
    assert(Date.now() - started < 3_000, "took too long")
  },
})
