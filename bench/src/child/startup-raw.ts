/** Start-up, reference side: one `fetch` of the same concept, nothing loaded but the runtime. */
import { emit, readConfig } from "./common.ts"

const config = readConfig<{ url: string; key: string; conceptId: number }>()
const response = await fetch(`${config.url}/concepts/${config.conceptId}`, {
  headers: { authorization: `Bearer ${config.key}`, accept: "application/json" },
})
const body = (await response.json()) as { data: { concept_id: number } }
emit({ conceptId: body.data.concept_id, sinceTimeOriginMs: performance.now() })
