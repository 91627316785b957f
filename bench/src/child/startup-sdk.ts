/** Start-up, SDK side: load the runtime's adapter, create a client, complete one `concepts.get`. */
import { emit, loadSdk, readConfig } from "./common.ts"

const config = readConfig<{ url: string; key: string; conceptId: number }>()
const { createClient } = await loadSdk()
const client = createClient({ apiKey: config.key, baseUrl: config.url })
const concept = await client.concepts.get(config.conceptId)
emit({ conceptId: concept.concept_id, sinceTimeOriginMs: performance.now() })
await client.close()
