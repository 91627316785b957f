import { createClient } from "@omophub/node"

// 1. An explicit key wins over every other source (here read by the app from its own secret store).
const explicit = createClient({ apiKey: process.env.MY_APP_OMOPHUB_KEY })

// 2. A named profile: [staging] in the credentials file, or keychain account "staging".
//    OMOPHUB_PROFILE=staging does the same without code.
const staging = createClient({ profile: "staging", baseUrl: "https://staging.example.org/v1" })

// 3. A credentials file of your own, and no keychain lookup (e.g. on a CI runner).
const ci = createClient({ credentialsFile: "./secrets/omophub.ini", keychain: false })

await Promise.all([explicit.close(), staging.close(), ci.close()])
