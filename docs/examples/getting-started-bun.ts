import { createClient } from "@omophub/bun"

// bun run main.ts — the same default chain as Node: OMOPHUB_API_KEY, credentials file, keychain.
await using client = createClient()
const concept = await client.concepts.getByCode("SNOMED", "44054006")
console.log(concept.concept_id, concept.concept_name)
