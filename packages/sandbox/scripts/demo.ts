/**
 * Demo: start the sandbox on its built-in vocabulary and query it over plain HTTP, the way any
 * OMOPHub client would. Prints one readable line per call and exits 0.
 */
import { start } from "../src/index.ts"

const sandbox = await start()
const key = sandbox.defaultKey ?? ""
console.log(`Sandbox running at ${sandbox.url} (release ${sandbox.defaultRelease}, demo key ${key})`)

// biome-ignore lint/suspicious/noExplicitAny: the demo prints a few fields of each payload
const call = async (method: "GET" | "POST", path: string, body?: unknown): Promise<any> => {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const envelope = await response.json()
  if (!envelope.success) throw new Error(`${method} ${path}: ${response.status} ${envelope.error?.code}`)
  return envelope.data
}

try {
  const concept = await call("GET", "/concepts/201826")
  console.log(
    `concept 201826       -> ${concept.concept_name} (${concept.vocabulary_id} ${concept.concept_code})`,
  )

  const byCode = await call("GET", "/concepts/by-code/ICD10CM/E11.9")
  console.log(`ICD10CM E11.9        -> ${byCode.concept_id} ${byCode.concept_name}`)

  const search = await call("GET", "/search/concepts?query=diabetes&page_size=3")
  const names = search.concepts
    .map((c: { concept_name: string; vocabulary_id: string }) => `${c.concept_name} [${c.vocabulary_id}]`)
    .join("; ")
  console.log(`search "diabetes"    -> ${names}`)

  const ancestors = await call("GET", "/concepts/201826/ancestors")
  const ancestorList = ancestors.ancestors ?? ancestors
  console.log(
    `ancestors of 201826  -> ${ancestorList.length} concepts, e.g. ${ancestorList[0]?.concept_name}`,
  )

  const mapped = await call("POST", "/concepts/map", {
    target_vocabulary: "SNOMED",
    source_codes: [{ vocabulary_id: "ICD10CM", concept_code: "E11.9" }],
  })
  const first = mapped.mappings[0]
  console.log(
    `map ICD10CM E11.9    -> ${first?.target_vocabulary_id} ${first?.target_concept_code} ${first?.target_concept_name}`,
  )
  console.log(
    `${sandbox.requests().length} requests served; every one is in sandbox.requests() for tests to inspect.`,
  )
} finally {
  await sandbox.close()
}
