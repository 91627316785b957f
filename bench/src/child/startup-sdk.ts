/**
 * Start-up, SDK side: load the runtime's adapter, create a client, complete one `concepts.get`.
 * `keyFrom` says where the key comes from: the `apiKey` option (the compared figure), or the
 * default credential chain finding it in `OMOPHUB_API_KEY` or in the credentials file named by
 * `OMOPHUB_CREDENTIALS_FILE` (the parent sets the variable).
 */
import { emit, loadSdk, readConfig } from "./common.ts"

const config = readConfig<{
  url: string
  key: string
  conceptId: number
  keyFrom?: "option" | "env" | "file"
}>()
const { createClient } = await loadSdk()
const client = createClient(
  (config.keyFrom ?? "option") === "option"
    ? { apiKey: config.key, baseUrl: config.url }
    : { baseUrl: config.url },
)
const concept = await client.concepts.get(config.conceptId)
emit({ conceptId: concept.concept_id, sinceTimeOriginMs: performance.now() })
await client.close()
