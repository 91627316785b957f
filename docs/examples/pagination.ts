import { createClient } from "@omophub/node"

const client = createClient()

// Items, fetched page by page as the loop asks; `break` stops fetching.
for await (const concept of client.search.basicIter("aspirin", {
  vocabularyIds: ["RxNorm"],
  pageSize: 100,
})) {
  if (concept.concept_name.includes("81 MG")) {
    console.log(concept.concept_id)
    break
  }
}

// Whole pages (the method's normal output, with `pagination`).
for await (const page of client.vocabularies.listPages({ pageSize: 50 })) {
  console.log(page.pagination?.page, page.vocabularies.length)
}

// Everything up to a limit, and whether that is really everything.
const all = await client.hierarchy.descendantsAll(201826, { limit: 2_000 })
if (!all.complete) console.warn(`stopped by ${all.stoppedBy} after ${all.pagesFetched} pages`)
console.log(all.items.length, all.totalItems)

await client.close()
