import { createClient } from "@omophub/node"

// The key comes from the default chain: OMOPHUB_API_KEY, the credentials file, the OS keychain.
const client = createClient()

const concept = await client.concepts.get(201826)
console.log(concept.concept_name, concept.vocabulary_id, concept.concept_code)

const hits = await client.search.basic("type 2 diabetes", { vocabularyIds: ["SNOMED"], pageSize: 5 })
for (const hit of hits.concepts) console.log(hit.concept_id, hit.concept_name)

await client.close()
