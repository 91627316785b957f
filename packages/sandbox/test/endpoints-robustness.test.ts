import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type EndpointClient, startEndpointClient } from "./support/EndpointClient.ts"

let client: EndpointClient

beforeAll(async () => {
  client = await startEndpointClient()
})
afterAll(async () => {
  await client.close()
})

const getPaths = [
  "/concepts/201826",
  "/concepts/by-code/SNOMED/44054006",
  "/concepts/suggest",
  "/concepts/201826/related",
  "/concepts/201826/relationships",
  "/concepts/201826/hierarchy",
  "/concepts/201826/ancestors",
  "/concepts/201826/descendants",
  "/concepts/201826/mappings",
  "/concepts/semantic-search",
  "/search/concepts",
  "/search/suggest",
  "/search/semantic",
  "/vocabularies",
  "/vocabularies/SNOMED",
  "/vocabularies/SNOMED/stats",
  "/vocabularies/SNOMED/stats/domains/Condition",
  "/vocabularies/domains",
  "/vocabularies/concept-classes",
  "/vocabularies/SNOMED/concepts",
  "/domains",
  "/domains/Condition/concepts",
  "/relationships/types",
]

const oddValues = ["", "-1", "1e309", "%", "99999999999999999999", ",,,", "\u0000", "x".repeat(600)]
const parameters = [
  "query",
  "page",
  "page_size",
  "max_levels",
  "threshold",
  "vocabulary_ids",
  "standard_concept",
  "sort_by",
]

const postPaths = [
  "/concepts/batch",
  "/concepts/recommended",
  "/concepts/map",
  "/search/advanced",
  "/search/bulk",
  "/search/semantic-bulk",
  "/search/similar",
  "/fhir/resolve",
  "/fhir/resolve/batch",
  "/fhir/resolve/codeable-concept",
]
const oddBodies = [
  "",
  "null",
  "[]",
  "{",
  '"text"',
  "{}",
  '{"concept_ids":[1e30],"searches":[null],"codings":"x","coding":[1],"query":{}}',
  '{"page":-1,"page_size":"many","source_codes":[{}],"concept_id":"abc","system":7}',
]

describe("odd input never breaks an endpoint", () => {
  it("every GET answers odd parameters with an envelope and a 2xx/4xx status", async () => {
    for (const path of getPaths) {
      for (const [index, value] of oddValues.entries()) {
        const parameter = parameters[index % parameters.length] ?? "query"
        const reply = await client.get(path, { [parameter]: value })
        expect(reply.status, `${path}?${parameter}=${value.slice(0, 20)}`).toBeLessThan(500)
        expect(typeof reply.body.success).toBe("boolean")
        if (reply.status >= 400) expect(typeof reply.body.error.code).toBe("string")
      }
    }
  })

  it("every POST answers malformed or wrongly typed bodies with a 4xx envelope", async () => {
    for (const path of postPaths) {
      for (const body of oddBodies) {
        const reply = await client.postRaw(path, body)
        expect(reply.status, `${path} ${body}`).toBeGreaterThanOrEqual(400)
        expect(reply.status, `${path} ${body}`).toBeLessThan(500)
        expect(reply.body.success).toBe(false)
      }
    }
  })
})
