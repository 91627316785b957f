/**
 * The OS secret store through the platform's own command-line tool, run with `Deno.Command`:
 * `secret-tool` (libsecret, the Secret Service) on Linux and `security` (Keychain Services) on
 * macOS. Items use the attributes `service` and `username` (Linux) or `-s`/`-a` (macOS), the same
 * ones `secret-tool` users and the Node and Bun adapters (`@napi-rs/keyring`) use, so a key stored by
 * any of them is found by all.
 *
 * Needs `--allow-run=secret-tool` (Linux) or `--allow-run=security` (macOS); without it, or without
 * the tool, or on Windows, operations report `RuntimeUnavailable` and the credential chain goes
 * on. The secret is passed on stdin, never on a command line. Chosen over `npm:@napi-rs/keyring`,
 * which in Deno needs `--allow-ffi` plus read and environment access beyond `OMOPHUB_*`.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Keychain, KeychainError, type KeychainShape, RuntimeUnavailable } from "./CoreContracts.ts"
import { deno, isGranted } from "./DenoApi.ts"

/** Options for `makeKeychain` / `keychainLayer`. */
export interface KeychainOptions {
  /** How long to wait for the store before reporting it unavailable. Default 3 seconds. */
  readonly timeout?: Duration.Input | undefined
}

interface ToolResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const capability = "keychain"
const unavailable = (reason: string) => new RuntimeUnavailable({ capability, reason })

const firstLine = (text: string) => (text.trim().split("\n")[0] ?? "").slice(0, 300)

/** Runs the tool, feeding `input` on stdin; kills it when interrupted (timeout). */
const runTool = (command: string, args: ReadonlyArray<string>, input?: string) =>
  Effect.callback<ToolResult, RuntimeUnavailable>((resume) => {
    if (!isGranted({ name: "run", command })) {
      resume(
        Effect.fail(unavailable(`no permission to run ${command}; run Deno with --allow-run=${command}`)),
      )
      return
    }
    let child: ReturnType<InstanceType<ReturnType<typeof deno>["Command"]>["spawn"]>
    try {
      child = new (deno().Command)(command, {
        args,
        stdin: input === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn()
    } catch (cause) {
      const reason = cause instanceof deno().errors.NotFound ? `${command} is not installed` : String(cause)
      resume(Effect.fail(unavailable(`could not run ${command}: ${firstLine(reason)}`)))
      return
    }
    const decoder = new TextDecoder()
    const feed =
      input === undefined
        ? Promise.resolve()
        : (async () => {
            const writer = child.stdin.getWriter()
            await writer.write(new TextEncoder().encode(input))
            await writer.close()
          })()
    Promise.all([child.output(), feed.catch(() => undefined)]).then(
      ([output]) =>
        resume(
          Effect.succeed({
            code: output.code,
            stdout: decoder.decode(output.stdout),
            stderr: decoder.decode(output.stderr),
          }),
        ),
      (cause) => resume(Effect.fail(unavailable(`${command} failed: ${firstLine(String(cause))}`))),
    )
    return Effect.sync(() => {
      try {
        child.kill("SIGKILL")
      } catch {
        // Already exited.
      }
    })
  })

/** Errors that mean "no store reachable" rather than "the store refused". */
const storeUnreachable =
  /could not connect|cannot autolaunch|serviceunknown|not provided by any \.service|no such file/i

interface Store {
  readonly get: (
    service: string,
    account: string,
  ) => Effect.Effect<Option.Option<string>, KeychainError | RuntimeUnavailable>
  readonly set: (
    service: string,
    account: string,
    secret: string,
  ) => Effect.Effect<void, KeychainError | RuntimeUnavailable>
  readonly delete: (
    service: string,
    account: string,
  ) => Effect.Effect<boolean, KeychainError | RuntimeUnavailable>
}

const failure = (service: string, account: string, result: ToolResult) => {
  const reason = firstLine(result.stderr) || `exit code ${result.code}`
  return storeUnreachable.test(reason) ? unavailable(reason) : new KeychainError({ service, account, reason })
}

/** libsecret through `secret-tool`: lookup and clear exit 1 with no message when nothing matches. */
const secretTool: Store = {
  get: (service, account) =>
    runTool("secret-tool", ["lookup", "service", service, "username", account]).pipe(
      Effect.flatMap((result) =>
        result.code === 0
          ? Effect.succeed(result.stdout === "" ? Option.none() : Option.some(result.stdout))
          : result.code === 1 && result.stderr.trim() === ""
            ? Effect.succeed(Option.none())
            : Effect.fail(failure(service, account, result)),
      ),
    ),
  set: (service, account, secret) =>
    runTool(
      "secret-tool",
      ["store", `--label=${service} (${account})`, "service", service, "username", account],
      secret,
    ).pipe(
      Effect.flatMap((result) =>
        result.code === 0 ? Effect.void : Effect.fail(failure(service, account, result)),
      ),
    ),
  delete: (service, account) =>
    runTool("secret-tool", ["clear", "service", service, "username", account]).pipe(
      Effect.flatMap((result) =>
        result.code === 0
          ? Effect.succeed(true)
          : result.code === 1 && result.stderr.trim() === ""
            ? Effect.succeed(false)
            : Effect.fail(failure(service, account, result)),
      ),
    ),
}

/** `security` exits 44 when no item matches. */
const notFoundInKeychain = 44

/** Quotes one argument for `security -i`, which reads commands (and so the secret) from stdin. */
const quote = (value: string) => `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`

/** macOS Keychain Services through `security` (not exercised by this repository's Linux CI). */
const securityTool: Store = {
  get: (service, account) =>
    runTool("security", ["find-generic-password", "-s", service, "-a", account, "-w"]).pipe(
      Effect.flatMap((result) =>
        result.code === 0
          ? Effect.succeed(Option.some(result.stdout.replace(/\n$/, "")))
          : result.code === notFoundInKeychain
            ? Effect.succeed(Option.none())
            : Effect.fail(failure(service, account, result)),
      ),
    ),
  set: (service, account, secret) =>
    /[\n\r]/.test(secret)
      ? Effect.fail(
          new KeychainError({ service, account, reason: "a secret with a line break cannot be stored" }),
        )
      : runTool(
          "security",
          ["-i"],
          `add-generic-password -U -s ${quote(service)} -a ${quote(account)} -w ${quote(secret)}\n`,
        ).pipe(
          Effect.flatMap((result) =>
            result.code === 0 && result.stderr.trim() === ""
              ? Effect.void
              : Effect.fail(failure(service, account, result)),
          ),
        ),
  delete: (service, account) =>
    runTool("security", ["delete-generic-password", "-s", service, "-a", account]).pipe(
      Effect.flatMap((result) =>
        result.code === 0
          ? Effect.succeed(true)
          : result.code === notFoundInKeychain
            ? Effect.succeed(false)
            : Effect.fail(failure(service, account, result)),
      ),
    ),
}

const noStore = (os: string): Store => {
  const fail = () => Effect.fail(unavailable(`the Deno adapter has no keychain support on ${os}`))
  return { get: fail, set: fail, delete: fail }
}

/**
 * The `Keychain` service implementation over `secret-tool` (Linux) or `security` (macOS), run with
 * `Deno.Command` and killed after `timeout`. No `--allow-run` permission, no tool, no reachable
 * store, Windows, or a timeout is `RuntimeUnavailable` (the credential chain moves on); a store that
 * answers but refuses is a `KeychainError`. Neither carries the secret.
 */
export const makeKeychain = (options: KeychainOptions = {}): KeychainShape => {
  const timeout = Duration.fromInputUnsafe(options.timeout ?? "3 seconds")
  const os = deno().build.os
  const store = os === "linux" ? secretTool : os === "darwin" ? securityTool : noStore(os)
  const bounded = <A, E>(effect: Effect.Effect<A, E>) =>
    Effect.timeoutOrElse(effect, {
      duration: timeout,
      orElse: () =>
        Effect.fail(unavailable(`the OS keychain did not answer within ${Duration.format(timeout)}`)),
    })
  return {
    get: (service, account) =>
      bounded(store.get(service, account)).pipe(Effect.map(Option.map(Redacted.make))),
    set: (service, account, secret) => {
      const value = Redacted.value(secret)
      // Last line of defence: a tool's message must never carry the secret.
      return bounded(store.set(service, account, value)).pipe(
        Effect.mapError((error) =>
          error._tag === "KeychainError" && value !== "" && error.reason.includes(value)
            ? new KeychainError({ service, account, reason: error.reason.split(value).join("<redacted>") })
            : error,
        ),
      )
    },
    delete: (service, account) => bounded(store.delete(service, account)),
  }
}

/** The `Keychain` service with options, e.g. a longer `timeout` for a slow Secret Service. */
export const keychainLayer = (options?: KeychainOptions): Layer.Layer<Keychain> =>
  Layer.sync(Keychain, () => Keychain.of(makeKeychain(options)))

/**
 * The `Keychain` service with the default 3-second timeout, used by the default chain and
 * `storeApiKey`. Reports `RuntimeUnavailable` when the tool cannot be run or no store is reachable
 * (see `makeKeychain`).
 */
export const KeychainLive: Layer.Layer<Keychain> = keychainLayer()
