import { createClient } from "@omophub/browser"

// Refused at construction with a ConfigurationError: a long-lived oh_ key in page code can be read
// by anyone who opens the page.
//   createClient({ apiKey: "oh_..." })

// Allowed only when you say so, for pages that are themselves private (internal tools, local dev).
const internalTool = createClient({ apiKey: "oh_internal_key", dangerouslyAllowBrowser: true })
await internalTool.close()
