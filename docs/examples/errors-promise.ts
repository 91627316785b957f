import { createClient, isOmopHubError, NotFoundError, RateLimitError } from "@omophub/node"

const client = createClient()

try {
  await client.concepts.get(999_999_999)
} catch (error) {
  if (error instanceof NotFoundError) {
    console.log(`no such concept (request ${error.requestId})`)
  } else if (error instanceof RateLimitError) {
    console.log(`still rate limited after the retries; retry after ${error.retryAfter} s`)
  } else if (isOmopHubError(error)) {
    // Every SDK error has a _tag, a message and a retryable flag.
    console.log(error._tag, error.message, error.retryable)
  } else {
    throw error // e.g. the AbortSignal's reason
  }
}
await client.close()
