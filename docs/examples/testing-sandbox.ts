import assert from "node:assert/strict"
import { after, before, test } from "node:test"
import { createClient, ServerError } from "@omophub/node"
import { type Sandbox, start } from "@omophub/sandbox"

let sandbox: Sandbox

before(async () => {
  sandbox = await start() // built-in vocabulary, release 2025.2, key oh_sandbox_key, random port
})
after(() => sandbox.close())

const clientFor = (sandbox: Sandbox) =>
  createClient({ baseUrl: sandbox.url, apiKey: sandbox.defaultKey, keychain: false })

test("looks a concept up", async () => {
  await using client = clientFor(sandbox)
  const concept = await client.concepts.get(201826)
  assert.equal(concept.vocabulary_id, "SNOMED")
})

test("retries 503s, then reports a ServerError", async () => {
  await using client = clientFor(sandbox)
  sandbox.clearRequests()
  sandbox.control.fault({ match: "GET /v1/concepts/:id", kind: "status", status: 503, times: 2 })
  await client.concepts.get(201826) // two 503s, then the real answer
  assert.equal(sandbox.requests().length, 3)

  sandbox.control.fault({ match: "GET /v1/concepts/:id", kind: "status", status: 503, times: 10 })
  await assert.rejects(client.concepts.get(1112807), ServerError) // 1 attempt + maxRetries (3)
  sandbox.control.clearFaults()
})

test("never sends the key anywhere but the Authorization header", async () => {
  await using client = clientFor(sandbox)
  await client.search.basic("diabetes")
  for (const request of sandbox.requests()) {
    assert.equal(request.headers.authorization, "Bearer [redacted]")
    assert.ok(!JSON.stringify(request.query).includes("oh_"))
  }
})
