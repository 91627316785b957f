import { createClient } from "@omophub/node"

const client = createClient({
  batching: { windowMs: 5 }, // default: on, gathering the calls of the current tick (windowMs 0)
  cache: { maxEntries: 5_000, ttlMs: 10 * 60_000 }, // default: off; `true` for the defaults
})

// Three calls in the same tick go out as one POST /concepts/batch; each caller gets its own
// concept, or its own NotFoundError.
const [diabetes, aspirin, hypertension] = await Promise.all([
  client.concepts.get(201826),
  client.concepts.get(1112807),
  client.concepts.get(316866),
])
console.log(diabetes.concept_name, aspirin.concept_name, hypertension.concept_name)

// Served from the cache: no request, no rate-limit permit.
await client.concepts.get(201826)

// Pinning the release makes cached entries live for pinnedTtlMs (default 24 h).
await client.concepts.get(201826, { vocabRelease: "2025.2" })
await client.close()
