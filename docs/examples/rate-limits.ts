import { createClient } from "@omophub/node"

const client = createClient({
  concurrency: 4, // requests in flight at once (default 8)
  requestsPerSecond: 10, // client-side pacing (default: none)
  onRateLimitExhausted: "wait", // or "fail": a RateLimitError with code client_rate_limited at once
})

// Watch the budget the server reports; the first value is the latest snapshot.
void (async () => {
  for await (const snapshot of client.rateLimit.changes()) {
    console.log(`remaining ${snapshot.remaining}/${snapshot.limit}, resets at ${snapshot.resetAt}`)
  }
})()

// 20 calls at once: the gate queues and paces them instead of provoking 429s.
const ids = Array.from({ length: 20 }, (_, i) => 201826 + i)
await Promise.allSettled(ids.map((id) => client.hierarchy.ancestors(id)))

console.log(await client.rateLimit.current())
await client.close()
