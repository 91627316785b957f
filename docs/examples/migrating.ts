// Before, with the official Node SDK:
//   import { OMOPHub } from "@omophub/omophub-node"
//   const client = new OMOPHub(process.env.OMOPHUB_API_KEY, { timeoutMs: 30_000, vocabVersion: "2025.2" })
//   const { data, error } = await client.concepts.get(201826)
//   if (error) throw new Error(error.message)
//   const batch = await client.concepts.batch({ conceptIds: [201826, 1112807] })

// After:
import { createClient } from "@omophub/node"

const client = createClient({ timeoutMs: 30_000, vocabRelease: "2025.2" }) // key from the default chain
const concept = await client.concepts.get(201826) // the data itself; a failure rejects
const batch = await client.concepts.batch([201826, 1112807]) // ids positional, options last
console.log(concept.concept_name, batch)
await client.close()
