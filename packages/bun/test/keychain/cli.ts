// `bun cli.ts get|set|delete <service> <account>`: one keychain operation through this adapter's
// KeychainLive, for the cross-runtime interop script. `set` reads the secret from stdin.
import { text } from "node:stream/consumers"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Keychain, type KeychainError, type RuntimeUnavailable } from "../../src/CoreContracts.ts"
import { KeychainLive } from "../../src/index.ts"

const [operation, service = "", account = ""] = process.argv.slice(2)
const secret = operation === "set" ? await text(process.stdin) : ""

const outcome = await Effect.runPromise(
  Keychain.use(
    (keychain): Effect.Effect<unknown, KeychainError | RuntimeUnavailable> =>
      operation === "get"
        ? keychain
            .get(service, account)
            .pipe(Effect.map((found) => Option.getOrNull(Option.map(found, Redacted.value))))
        : operation === "set"
          ? keychain.set(service, account, Redacted.make(secret)).pipe(Effect.as("stored"))
          : keychain.delete(service, account),
  ).pipe(
    Effect.map((value) => ({ value })),
    Effect.catch((error) => Effect.succeed({ error: error._tag, reason: error.reason })),
    Effect.provide(KeychainLive),
  ),
)
console.log(JSON.stringify(outcome))
