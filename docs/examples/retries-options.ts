import { createClient } from "@omophub/node"

const client = createClient({
  timeoutMs: 20_000, // budget for the whole call: every attempt, backoff wait and rate-limit wait
  maxRetries: 5, // retries after the first attempt (0 to 10)
  maxRetryAfterMs: 30_000, // longest server-requested wait (Retry-After) the client accepts
})

// Cancel from outside: the promise rejects with signal.reason, not with an SDK error.
const controller = new AbortController()
setTimeout(() => controller.abort(), 2_000)
const concept = await client.concepts.get(201826, { signal: controller.signal })

// An Idempotency-Key is sent unchanged on every attempt of this call.
const mapped = await client.mappings.map({
  targetVocabulary: "ICD10CM",
  sourceConcepts: [concept.concept_id],
  idempotencyKey: "map-201826-icd10cm",
})
console.log(mapped.mappings.length)
await client.close()
