// storeApiKey(target "file") in Deno, read back by the default chain against the sandbox the test
// script started (OMOPHUB_API_URL / OMOPHUB_API_KEY).
import { createClient, storeApiKey } from "../src/index.ts"
import { assert } from "./assert.ts"

Deno.test("storeApiKey writes a 0600 credentials file the default chain reads", async () => {
  const folder = await Deno.makeTempDir()
  try {
    const path = `${folder}/nested/credentials`
    await Deno.mkdir(`${folder}/nested`)
    await Deno.writeTextFile(path, "[other]\napi_key = oh_other\n")
    const stored = await storeApiKey(Deno.env.get("OMOPHUB_API_KEY") ?? "", { target: "file", path })
    assert(stored.path === path && stored.target === "file", JSON.stringify(stored))
    assert(((await Deno.stat(path)).mode ?? 0) % 0o1000 === 0o600, "mode 0600")
    const text = await Deno.readTextFile(path)
    assert(text.startsWith("[other]\napi_key = oh_other\n\n[default]\napi_key = "), text.slice(0, 40))
    await using client = createClient({ credentialsFile: path, keychain: false })
    assert((await client.concepts.get(201826)).concept_id === 201826, "concept read with the stored key")
  } finally {
    await Deno.remove(folder, { recursive: true })
  }
})
