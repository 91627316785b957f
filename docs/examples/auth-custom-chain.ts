import { chain, createClient, fromCallback, fromEnv, fromFile, fromKeychain } from "@omophub/node"

// Replaces the default chain. The first provider that yields a key wins; a misconfigured one
// (e.g. a malformed file) stops the lookup instead of silently falling through.
const client = createClient({
  credentials: chain(
    fromEnv("MY_APP_OMOPHUB_KEY"),
    fromFile({ path: "/run/secrets/omophub", profile: "default" }),
    fromKeychain({ service: "omophub", account: "default" }),
    fromCallback(async () => {
      const response = await fetch("https://vault.internal/omophub")
      return response.ok ? ((await response.json()) as { key: string; expiresAt: number }) : null
    }),
  ),
})

await client.close()
