// `chain-cli.ts store <profile>` (key on stdin): this adapter's storeApiKey into the keychain.
// `chain-cli.ts resolve <profile>`: what the adapter's default chain yields, as "<source>:<key>".
// Run by the keychain interop script inside a throwaway Secret Service; prints one JSON line.
import { text } from "node:stream/consumers"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { RuntimeLive, standardChain, storeApiKey } from "../../src/index.ts"

const [operation, profile = "default"] = process.argv.slice(2)

const outcome =
  operation === "store"
    ? await storeApiKey(await text(process.stdin), { profile }).then(
        (stored) => ({ value: stored.target }),
        (error: { _tag?: string }) => ({ error: error._tag }),
      )
    : await Effect.runPromise(
        standardChain({ profile, keychain: true }).resolve.pipe(
          Effect.map((found) => ({ value: `${found.source}:${Redacted.value(found.key)}` })),
          Effect.catch((failure) => Effect.succeed({ error: failure._tag, reason: failure.reason })),
          Effect.provide(RuntimeLive),
        ),
      )
console.log(JSON.stringify(outcome))
