import { storeApiKey } from "@omophub/node"

// Saves the key where the default chain finds it: the OS keychain (service "omophub",
// account = profile) or, with target "file", the credentials file (mode 0600).
const stored = await storeApiKey("oh_your_key", { profile: "default" })
console.log(`stored in ${stored.target} for profile ${stored.profile} (${stored.fingerprint})`)

await storeApiKey("oh_your_staging_key", { profile: "staging", target: "file" })
