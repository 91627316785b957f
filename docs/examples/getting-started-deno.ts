import { createClient } from "@omophub/deno"

// deno run --allow-env=OMOPHUB_API_KEY,OMOPHUB_API_URL,OMOPHUB_PROFILE,OMOPHUB_CREDENTIALS_FILE,HOME,XDG_CONFIG_HOME \
//   --allow-net=api.omophub.com --allow-read=$HOME/.config/omophub --allow-run=secret-tool main.ts
const client = createClient()
const concept = await client.concepts.get(201826)
console.log(concept.concept_name)
await client.close()
