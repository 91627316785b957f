import { createClient, fromCallback } from "@omophub/browser"

// Your backend issues a short-lived token; the page never sees the long-lived oh_ key.
const client = createClient({
  credentials: fromCallback(async ({ signal }) => {
    const response = await fetch("/api/omophub-token", { signal })
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: number }
    return { token, expiresAt }
  }),
})

const suggestions = await client.search.autocomplete("diab", { pageSize: 5 })
console.log(suggestions)
