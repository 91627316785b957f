// The interop requirement: a key stored with `secret-tool store --label=omophub service omophub
// username default` is read by the Node, Deno and Bun adapters, and what one runtime stores the
// others read and delete. Runs test/keychain/run.sh inside a private D-Bus session with a throwaway
// gnome-keyring; CI installs the system packages (scripts/system-deps.sh), so missing ones fail.
import { execFile, execFileSync } from "node:child_process"
import { delimiter, dirname, join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const requiredCommands = [
  "dbus-run-session",
  "dbus-send",
  "gnome-keyring-daemon",
  "secret-tool",
  "deno",
  "bun",
]
const script = join(import.meta.dirname, "keychain", "run.sh")
const repoBin = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin")
// The same Node that runs this test, then the repository's deno and bun.
const PATH = [dirname(process.execPath), repoBin, process.env.PATH ?? ""].join(delimiter)

const missingCommands = () =>
  requiredCommands.filter((command) => {
    try {
      execFileSync("sh", ["-c", `command -v ${command}`], { env: { ...process.env, PATH }, stdio: "ignore" })
      return false
    } catch {
      return true
    }
  })

describe.runIf(process.platform === "linux")("keychain interop: secret-tool, Node, Deno, Bun", () => {
  it("share the same Secret Service entries", { timeout: 150_000 }, async () => {
    const missing = missingCommands()
    if (missing.length > 0) {
      throw new Error(
        `keychain interop needs ${missing.join(", ")}; run scripts/system-deps.sh (Debian: gnome-keyring libsecret-tools dbus)`,
      )
    }
    const { stdout } = await promisify(execFile)("dbus-run-session", ["--", "bash", script], {
      env: { ...process.env, PATH },
      timeout: 140_000,
    })
    const steps = new Map(
      stdout
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => {
          const at = line.indexOf("=")
          return [line.slice(0, at), JSON.parse(line.slice(at + 1)) as { value?: unknown; error?: string }]
        }),
    )
    const value = (step: string) => {
      const outcome = steps.get(step)
      expect(outcome, `step ${step} missing from:\n${stdout}`).toBeDefined()
      expect(outcome?.error, `step ${step} failed: ${JSON.stringify(outcome)}`).toBeUndefined()
      return outcome?.value
    }

    for (const runtime of ["node", "deno", "bun"]) {
      expect(value(`get-default-${runtime}`)).toBe("st-secret-1")
      expect(value(`set-${runtime}`)).toBe("stored")
      for (const writer of ["node", "deno", "bun"]) {
        expect(value(`get-acct-${writer}-${runtime}`)).toBe(`${writer}-secret`)
      }
      expect(value(`lookup-acct-${runtime}`)).toBe(`${runtime}-secret`)
    }
    expect(value("get-overwritten-node-bun")).toBe("node-secret-2")
    expect(value("items-acct-node")).toBe(1)
    expect(value("get-overwritten-deno-deno")).toBe("deno-secret-2")
    expect(value("items-acct-deno")).toBe(1)

    expect(value("delete-acct-deno-node")).toBe(true)
    expect(value("get-deleted-acct-deno-deno")).toBeNull()
    expect(value("delete-acct-node-bun")).toBe(true)
    expect(value("lookup-deleted-acct-node")).toBe("")
    expect(value("delete-acct-bun-deno")).toBe(true)
    expect(value("get-deleted-acct-bun-node")).toBeNull()
    expect(value("delete-again-node")).toBe(false)
    expect(value("delete-again-deno")).toBe(false)
    expect(value("delete-default-bun")).toBe(true)
    expect(value("get-deleted-default-bun")).toBeNull()

    for (const runtime of ["node", "deno", "bun"]) {
      expect(value(`store-kc-${runtime}`)).toBe("keychain")
      for (const writer of ["node", "deno", "bun"]) {
        expect(value(`resolve-kc-${writer}-${runtime}`)).toBe(`keychain:omophub/kc-${writer}:oh_kc_${writer}`)
      }
      expect(value(`resolve-r-sdk-${runtime}`)).toBe("keychain:omophub/api_key:oh_r_sdk_key")
    }
    // Nothing found: every source tried is listed, the keychain included.
    expect(steps.get("resolve-missing-node")).toMatchObject({ error: "CredentialNotFound" })
    expect(JSON.stringify(steps.get("resolve-missing-node"))).not.toContain("oh_")
  })
})
