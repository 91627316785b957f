/**
 * The OS secret store through the optional native module `@napi-rs/keyring` (Secret Service on
 * Linux, Keychain Services on macOS, Credential Manager on Windows). Also used by the Bun adapter,
 * because `Bun.secrets` stores items under its own libsecret schema that `secret-tool` and the
 * other runtimes cannot see.
 *
 * Each operation runs in a short-lived helper process of the current runtime (`process.execPath`):
 * the native module connects to D-Bus synchronously on the calling thread, so an unresponsive bus
 * would freeze the whole process (a worker thread would still block exit). A child can be killed,
 * which keeps every call within the timeout. The module is only resolved on first use, so a missing
 * binary, D-Bus or Secret Service never breaks importing the SDK: the call reports
 * `RuntimeUnavailable` and the credential chain goes on. The secret travels over stdin/stdout,
 * never on a command line.
 *
 * @module
 */
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Keychain, KeychainError, type KeychainShape, RuntimeUnavailable } from "./CoreContracts.ts"

/** Options for `makeKeychain` / `keychainLayer`. */
export interface KeychainOptions {
  /** How long to wait for the store before reporting it unavailable. Default 3 seconds. */
  readonly timeout?: Duration.Input | undefined
}

type Operation = "get" | "set" | "delete"
type HelperAnswer = { readonly value: string | boolean | null } | { readonly failure: string }

const capability = "keychain"
const moduleName = "@napi-rs/keyring"

// Runs in the helper (CommonJS via -e, in Node and in Bun). Pinned to the Secret Service on Linux:
// the default would fall back to the kernel keyring, where secret-tool and the other runtimes
// cannot find the key.
const helperSource = `
const chunks = []
process.stdin.on("data", (chunk) => chunks.push(chunk))
process.stdin.on("end", () => {
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"))
  let answer
  try {
    const { Entry } = require(request.modulePath)
    const entry = new Entry(request.service, request.account, { linux: { store: "secret-service" } })
    if (request.operation === "get") answer = { value: entry.getPassword() }
    else if (request.operation === "set") answer = { value: (entry.setPassword(request.secret), null) }
    else answer = { value: entry.deleteCredential() }
  } catch (error) {
    answer = { failure: String(error && error.message ? error.message : error) }
  }
  // On a line of its own, after anything the native loader may have printed.
  process.stdout.write("\\n" + JSON.stringify(answer) + "\\n")
})
`

/** First line of an error message, bounded, with the secret (if any) masked as a last line of defence. */
const summarize = (message: string, secret?: string): string => {
  let line = (message.split("\n")[0] ?? "").slice(0, 300)
  if (secret !== undefined && secret.length > 0) line = line.split(secret).join("<redacted>")
  return line
}

const resolveModule = Effect.try({
  try: () => createRequire(import.meta.url).resolve(moduleName),
  catch: (cause) =>
    new RuntimeUnavailable({
      capability,
      reason: `the optional native module ${moduleName} could not be loaded: ${summarize(cause instanceof Error ? cause.message : String(cause))}`,
    }),
})

const runHelper = (request: Record<string, string>) =>
  Effect.callback<HelperAnswer, RuntimeUnavailable>((resume) => {
    const unavailable = (reason: string) =>
      resume(Effect.fail(new RuntimeUnavailable({ capability, reason })))
    const child = spawn(process.execPath, ["-e", helperSource], {
      stdio: ["pipe", "pipe", "ignore"],
      windowsHide: true,
    })
    const output: Buffer[] = []
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk))
    child.on("error", (error) => unavailable(`could not start the keychain helper: ${error.message}`))
    child.on("close", (code, signal) => {
      try {
        const lines = Buffer.concat(output).toString("utf8").trim().split("\n")
        resume(Effect.succeed(JSON.parse(lines.at(-1) ?? "") as HelperAnswer))
      } catch {
        unavailable(`the keychain helper ended without an answer (${signal ?? `exit code ${code}`})`)
      }
    })
    // An early exit closes stdin; the close handler reports it.
    child.stdin.on("error", () => undefined)
    child.stdin.end(JSON.stringify(request))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

/**
 * The `Keychain` service implementation over `@napi-rs/keyring`, each call in a helper process that
 * is killed after `timeout`. A missing native module, no Secret Service/D-Bus, or a timeout is
 * `RuntimeUnavailable` (the credential chain moves on); a store that answers but refuses is a
 * `KeychainError`. Neither carries the secret.
 */
export const makeKeychain = (options: KeychainOptions = {}): KeychainShape => {
  const timeout = Duration.fromInputUnsafe(options.timeout ?? "3 seconds")

  const call = (
    operation: Operation,
    service: string,
    account: string,
    secret?: string,
  ): Effect.Effect<string | boolean | null, KeychainError | RuntimeUnavailable> =>
    resolveModule.pipe(
      Effect.flatMap((modulePath) =>
        runHelper({ modulePath, operation, service, account, ...(secret === undefined ? {} : { secret }) }),
      ),
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () =>
          Effect.fail(
            new RuntimeUnavailable({
              capability,
              reason: `the OS keychain did not answer within ${Duration.format(timeout)}`,
            }),
          ),
      }),
      Effect.flatMap((answer) => {
        if ("value" in answer) return Effect.succeed(answer.value)
        const reason = summarize(answer.failure, secret)
        // keyring-rs "PlatformFailure": no D-Bus, no Secret Service, no platform store at all.
        return Effect.fail(
          reason.startsWith("Platform failure")
            ? new RuntimeUnavailable({ capability, reason })
            : new KeychainError({ service, account, reason }),
        )
      }),
    )

  return {
    get: (service, account) =>
      call("get", service, account).pipe(
        Effect.map((found) =>
          typeof found === "string" ? Option.some(Redacted.make(found)) : Option.none(),
        ),
      ),
    set: (service, account, secret) =>
      call("set", service, account, Redacted.value(secret)).pipe(Effect.asVoid),
    delete: (service, account) =>
      call("delete", service, account).pipe(Effect.map((deleted) => deleted === true)),
  }
}

/** The `Keychain` service with options, e.g. a longer `timeout` for a slow Secret Service. */
export const keychainLayer = (options?: KeychainOptions): Layer.Layer<Keychain> =>
  Layer.sync(Keychain, () => Keychain.of(makeKeychain(options)))

/**
 * The `Keychain` service with the default 3-second timeout, used by the default chain and
 * `storeApiKey`. Reports `RuntimeUnavailable` when no OS store is reachable (see `makeKeychain`).
 */
export const KeychainLive: Layer.Layer<Keychain> = keychainLayer()
