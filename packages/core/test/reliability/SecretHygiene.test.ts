// Secret hygiene for every error kind the SDK has. Each scenario provokes one kind with a known key
// (the server even echoes it back in its error bodies), captures every log line at the most verbose
// level and every span, and checks that no 7-character piece of the key, nor `Bearer <key>`, appears
// in the error's message, cause, stack, JSON, `util.inspect`, `Cause.pretty`, the logs, the spans or
// the URLs the server saw. The 401, closed-port and hang cases live in test/pipeline/SecretHygiene;
// the credential providers' own cases in test/credentials/SecretHygiene.
import { inspect } from "node:util"
import { type Sandbox, start } from "@omophub/sandbox"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  type ClientOptions,
  ConfigurationError,
  createClient,
  fromCallback,
  fromFile,
  OmopHubClient,
  RequestPipeline,
} from "../../src/index.ts"
import { Env } from "../../src/runtime/Env.ts"
import { memoryFileSystem } from "../credentials/support.ts"
import { expectNoSecret, type FaultSpec, loggedUrls, renderError, unsafeBatch } from "./support.ts"

/** The key every scenario uses; the sandbox accepts it (except where a scenario says otherwise). */
const secret = "oh_hygiene_K_7fQ2pL9xW3zRm5"
/** Server text that echoes the key, as a careless server or proxy might. */
const echo = `key ${secret} rejected (Authorization: Bearer ${secret})`
const echoDetails = { api_key: secret, header: `Bearer ${secret}`, nested: [{ token: secret }] }

let sandbox: Sandbox
let forbidding: Sandbox
let closedPortUrl: string

beforeAll(async () => {
  sandbox = await start({ keys: [secret] })
  forbidding = await start({ keys: ["oh_someone_else_0001"], invalidKeyStatus: 403 })
  const closed = await start()
  closedPortUrl = closed.url
  await closed.close()
})
afterAll(async () => {
  await sandbox?.close()
  await forbidding?.close()
})
beforeEach(() => {
  sandbox.control.reset()
  forbidding.control.reset()
})

type Client = OmopHubClient["Service"]
interface Scenario {
  readonly name: string
  readonly tag: string
  readonly faults?: ReadonlyArray<FaultSpec>
  /** Client options on top of `{ apiKey: secret, baseUrl: sandbox.url, maxRetries: 0 }`. */
  readonly options?: (defaults: ClientOptions) => ClientOptions
  readonly call?: Effect.Effect<unknown, unknown, OmopHubClient | RequestPipeline>
  /** Services the client's credentials need (a FileSystem for fromFile). */
  readonly services?: Layer.Layer<never>
  /** When given, the `error` must match it. */
  readonly check?: (error: unknown, logs: ReadonlyArray<string>) => void
}

const withClient = (f: (client: Client) => Effect.Effect<unknown, unknown>) =>
  Effect.flatMap(Effect.service(OmopHubClient), f)
const getConcept = withClient((client) => client.concepts.get(201826))
const echoed = (status: number, code: string): FaultSpec => ({
  kind: "status",
  status,
  retryAfter: status === 429 ? 0 : undefined,
  body: { success: false, error: { code, message: echo, details: echoDetails } },
})
const credentialsPath = "/home/k/.config/omophub/credentials"

const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "AuthenticationError (403 invalid_api_key)",
    tag: "AuthenticationError",
    options: (o) => ({ ...o, baseUrl: forbidding.url }),
  },
  {
    name: "AuthenticationError (401 echoing the key)",
    tag: "AuthenticationError",
    faults: [echoed(401, "invalid_api_key")],
  },
  {
    name: "PermissionDeniedError (403 echoing the key)",
    tag: "PermissionDeniedError",
    faults: [echoed(403, "vocabulary_restricted")],
  },
  {
    name: "NotFoundError (real 404)",
    tag: "NotFoundError",
    call: withClient((c) => c.concepts.get(999_999_999)),
  },
  { name: "NotFoundError (404 echoing the key)", tag: "NotFoundError", faults: [echoed(404, "not_found")] },
  {
    name: "InvalidRequestError (400 echoing the key)",
    tag: "InvalidRequestError",
    faults: [echoed(400, "bad_request")],
  },
  {
    name: "InvalidRequestError (real 400: unknown release)",
    tag: "InvalidRequestError",
    call: withClient((c) => c.concepts.get(201826, { vocabRelease: "1999.9" })),
  },
  {
    name: "RateLimitError (429 echoing the key)",
    tag: "RateLimitError",
    faults: [echoed(429, "rate_limit_exceeded")],
  },
  {
    name: "QuotaExceededError (429 echoing the key)",
    tag: "QuotaExceededError",
    faults: [echoed(429, "daily_quota_exceeded")],
  },
  {
    name: "ServerError (500 echoing the key)",
    tag: "ServerError",
    faults: [echoed(500, "internal_server_error")],
  },
  {
    name: "ServerError (HTML 502 page containing the key)",
    tag: "ServerError",
    faults: [{ kind: "body", status: 502, body: `<html>upstream said: ${echo}</html>` }],
  },
  { name: "ApiError (409 echoing the key)", tag: "ApiError", faults: [echoed(409, "conflict")] },
  {
    name: "TimeoutError (slow body)",
    tag: "TimeoutError",
    faults: [{ kind: "slow-body", chunks: 4, chunkDelayMs: 200 }],
    options: (o) => ({ ...o, timeoutMs: 250 }),
  },
  {
    name: "ConnectionError (reset after headers, with retries logged)",
    tag: "ConnectionError",
    faults: [{ kind: "reset", phase: "after-headers", times: 2 }],
    options: (o) => ({ ...o, maxRetries: 1 }),
    check: (_, logs) => expect(logs.join("\n")).toContain("omophub retry"),
  },
  {
    name: "ConnectionError (truncated body, unsafe POST)",
    tag: "ConnectionError",
    faults: [{ kind: "truncate", sendBytes: 5 }],
    call: Effect.flatMap(Effect.service(RequestPipeline), (p) =>
      p.execute(unsafeBatch, { conceptIds: [201826] }),
    ),
  },
  {
    name: "ConnectionError (closed port, Idempotency-Key POST)",
    tag: "ConnectionError",
    options: (o) => ({ ...o, baseUrl: closedPortUrl }),
    call: withClient((c) => c.concepts.batch([201826], { idempotencyKey: "hygiene-1" })),
  },
  {
    name: "DecodeError (the key where a number belongs)",
    tag: "DecodeError",
    faults: [
      {
        kind: "status",
        status: 200,
        body: { success: true, data: { concept_id: secret, concept_name: secret, vocabulary_id: echo } },
      },
    ],
  },
  {
    name: "DecodeError (a non-JSON 200 containing the key)",
    tag: "DecodeError",
    faults: [{ kind: "body", status: 200, body: `<p>${echo}</p>` }],
  },
  {
    name: "ConfigurationError (the key in the base URL's userinfo)",
    tag: "ConfigurationError",
    options: (o) => ({ ...o, baseUrl: `https://user:${secret}@api.example.com/v1` }),
  },
  {
    name: "ConfigurationError (the key in an extra header)",
    tag: "ConfigurationError",
    options: (o) => ({ ...o, headers: { Authorization: `Bearer ${secret}` } }),
  },
  {
    name: "ConfigurationError (the key in a header value with a newline)",
    tag: "ConfigurationError",
    options: (o) => ({ ...o, headers: { "x-debug": `${secret}\r\nx: y` } }),
  },
  {
    name: "ConfigurationError (plain http:// to a remote host)",
    tag: "ConfigurationError",
    options: (o) => ({ ...o, baseUrl: "http://api.example.com/v1" }),
  },
  {
    name: "ConfigurationError (no key source at all)",
    tag: "ConfigurationError",
    options: ({ apiKey: _, ...o }) => o,
  },
  {
    name: "ValidationError (the key passed as input)",
    tag: "ValidationError",
    call: withClient((c) => c.concepts.getByCode(secret, "  ", { idempotencyKey: `${secret} with spaces` })),
  },
  {
    name: "CredentialsError (a control character inside the key)",
    tag: "CredentialsError",
    options: (o) => ({ ...o, apiKey: `${secret.slice(0, 10)}\u0007${secret.slice(10)}` }),
  },
  {
    name: "CredentialsError (the provider finds no key)",
    tag: "CredentialsError",
    options: ({ apiKey: _, ...o }) => ({ ...o, credentials: fromCallback(() => undefined) }),
  },
  {
    name: "CredentialsError (unreadable credentials file)",
    tag: "CredentialsError",
    options: ({ apiKey: _, ...o }) => ({
      ...o,
      credentials: fromFile({ path: credentialsPath, mustExist: true }) as never,
    }),
    services: Layer.mergeAll(
      Env.fromRecord({}),
      memoryFileSystem({
        [credentialsPath]: {
          content: `[default]\napi_key = ${secret}\n`,
          readError: "EACCES: permission denied",
        },
      }).layer,
    ) as Layer.Layer<never>,
    check: (error) => expect((error as Error).message).toContain(credentialsPath),
  },
]

/** Runs one scenario and returns everything a leak could hide in. */
const provoke = async (scenario: Scenario) => {
  sandbox.clearRequests()
  if (scenario.faults) sandbox.control.fault([...scenario.faults])
  const logs: Array<string> = []
  const spans: Array<Tracer.NativeSpan> = []
  const capture = Logger.make((entry) => {
    logs.push(`${entry.logLevel} ${inspect(entry.message, { depth: 10 })} ${Cause.pretty(entry.cause)}`)
  })
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    },
  })
  const defaults: ClientOptions = {
    apiKey: secret,
    baseUrl: sandbox.url,
    maxRetries: 0,
    rateLimitState: "isolated",
    batching: false,
  }
  const options = scenario.options ? scenario.options(defaults) : defaults
  const exit = await Effect.runPromiseExit(
    (scenario.call ?? getConcept).pipe(
      Effect.provide(OmopHubClient.layer(options as ClientOptions<never>)),
      Effect.provide(scenario.services ?? Layer.empty),
      Effect.withTracer(tracer),
      Effect.provide(Logger.layer([capture])),
      Effect.provideService(References.MinimumLogLevel, "All"),
    ) as Effect.Effect<unknown, unknown>,
  )
  if (Exit.isSuccess(exit)) throw new Error(`${scenario.name}: expected a failure`)
  const error = Cause.squash(exit.cause)
  // What the SDK itself produced: the error's renderings, its logs and its spans.
  const sdkTexts = [
    ...renderError(error, exit.cause),
    ...logs,
    ...spans.map((span) =>
      inspect(
        { name: span.name, attributes: span.attributes, events: span.events, status: span.status },
        { depth: 10 },
      ),
    ),
  ]
  const texts = [...sdkTexts, ...loggedUrls(sandbox)]
  return { error, texts, sdkTexts, logs, spans }
}

describe("no key in any error kind, log, span or URL", () => {
  it.each(scenarios)("$name", async (scenario) => {
    const { error, texts, logs, spans } = await provoke(scenario)
    expect((error as { _tag?: string })._tag).toBe(scenario.tag)
    scenario.check?.(error, logs)
    // The capture really saw something: the client span for calls that got as far as the pipeline.
    if (!["ConfigurationError", "CredentialsError"].includes(scenario.tag)) {
      expect(spans.map((s) => s.name).some((name) => name.startsWith("omophub."))).toBe(true)
    }
    expectNoSecret(secret, texts)
  })

  it("the server's echo of the key is redacted, but the rest of its message is kept", async () => {
    const { error } = await provoke({
      name: "echo",
      tag: "InvalidRequestError",
      faults: [echoed(400, "bad_request")],
    })
    // (`Bearer …` redaction runs to the next space, so it also takes the closing parenthesis.)
    expect((error as Error).message).toBe("key oh_[redacted] rejected (Authorization: Bearer [redacted]")
    expect((error as { details?: unknown }).details).toEqual({
      api_key: "oh_[redacted]",
      header: "Bearer [redacted]",
      nested: [{ token: "oh_[redacted]" }],
    })
  })

  // The SDK accepts any header-safe key, so redaction by the `oh_` pattern alone is not enough: the
  // pipeline blanks the exact key a server echoes back (found by this suite as bug K3).
  it("a server echo of a key without the oh_ prefix is redacted too", async () => {
    const otherKey = "sk_live_8hZ3qW7tY2uP5x"
    const other = await start({ keys: [otherKey] })
    try {
      other.control.fault({
        kind: "status",
        status: 400,
        body: { success: false, error: { code: "bad_request", message: `bad key ${otherKey}` } },
      })
      const client = createClient({ apiKey: otherKey, baseUrl: other.url, maxRetries: 0 })
      const error = await client.concepts.get(201826).catch((e: unknown) => e)
      await client.close()
      expectNoSecret(otherKey, renderError(error))
    } finally {
      await other.close()
    }
  })

  // The app's callback error is quoted in the CredentialsError and the warning log, so a callback that
  // fails with the key in its message ("vault returned oh_…") must have it redacted there.
  it("a credentials callback that throws with the key in its message", async () => {
    const { error, texts } = await provoke({
      name: "CredentialsError (the callback throws with the key in its message)",
      tag: "CredentialsError",
      options: ({ apiKey: _, ...o }) => ({
        ...o,
        credentials: fromCallback(() => {
          throw new Error(`vault returned ${secret}?`)
        }),
      }),
    })
    expect((error as { _tag?: string })._tag).toBe("CredentialsError")
    expectNoSecret(secret, texts)
  })
})

describe("filled URLs", () => {
  // ky's NetworkError message contains the filled request URL; query text can be sensitive (search
  // terms), and spans must never hold a filled URL (found by this suite as bug K6).
  it("a ConnectionError (and so the span) does not quote the filled URL", async () => {
    const { sdkTexts } = await provoke({
      name: "ConnectionError (reset, search text in the URL)",
      tag: "ConnectionError",
      faults: [{ kind: "reset", phase: "before-headers" }],
      call: withClient((c) => c.search.basic("patient jane roe")),
    })
    // The sandbox's own request log holds the query, of course; the SDK's output must not.
    expect(sdkTexts.join("\n")).not.toContain("jane")
  })
})

describe("credentials file", () => {
  it("the permission warning names the path, never the content", async () => {
    const path = "/home/k/exposed/credentials"
    const logs: Array<string> = []
    const capture = Logger.make((entry) =>
      logs.push(`${entry.logLevel} ${inspect(entry.message, { depth: 10 })}`),
    )
    const exit = await Effect.runPromiseExit(
      getConcept.pipe(
        Effect.provide(
          OmopHubClient.layer({
            credentials: fromFile({ path }),
            baseUrl: sandbox.url,
            rateLimitState: "isolated",
            batching: false,
          }),
        ),
        Effect.provide(
          Layer.mergeAll(
            Env.fromRecord({}),
            memoryFileSystem({ [path]: { content: `[default]\napi_key = ${secret}\n`, mode: 0o644 } }).layer,
          ),
        ),
        Effect.provide(Logger.layer([capture])),
        Effect.provideService(References.MinimumLogLevel, "All"),
      ),
    )
    // The key in the file is valid: the call works, and the warning was logged.
    expect(Exit.isSuccess(exit)).toBe(true)
    const warning = logs.find((line) => line.includes("accessible by group or others"))
    expect(warning).toContain(path)
    expectNoSecret(secret, logs)
  })
})

describe("plain http", () => {
  const remote = [
    "http://api.example.com/v1",
    "http://127.0.0.1.nip.io/v1",
    "http://localhost.example.com/v1",
    "http://0.0.0.0/v1",
    "http://10.0.0.5/v1",
  ]

  it.each(remote)(
    "refuses %s with a ConfigurationError, in both clients, before any request",
    async (baseUrl) => {
      let sent = 0
      const fetch = async () => {
        sent++
        return new Response("{}")
      }
      expect(() => createClient({ apiKey: secret, baseUrl, fetch })).toThrow(ConfigurationError)
      const exit = await Effect.runPromiseExit(
        getConcept.pipe(Effect.provide(OmopHubClient.layer({ apiKey: secret, baseUrl, fetch }))),
      )
      expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(ConfigurationError)
      expect(sent).toBe(0)
    },
  )

  it("sends to a remote http:// host only with allowInsecureHttp: true", async () => {
    const urls: Array<string> = []
    const fetch = async (input: Request | URL | string) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return new Response("{}", { status: 503 })
    }
    const client = createClient({
      apiKey: secret,
      baseUrl: "http://api.example.com/v1",
      fetch,
      allowInsecureHttp: true,
      maxRetries: 0,
    })
    try {
      await client.concepts.get(201826).catch(() => undefined)
    } finally {
      await client.close()
    }
    expect(urls).toEqual(["http://api.example.com/v1/concepts/201826"])
  })

  it("loopback hosts need no opt-in", () => {
    for (const baseUrl of [
      "http://127.0.0.1:1/v1",
      "http://localhost:1/v1",
      "http://[::1]:1/v1",
      "http://app.localhost/v1",
    ]) {
      expect(() => createClient({ apiKey: secret, baseUrl }).close()).not.toThrow()
    }
  })

  it("a redirect to another origin does not carry the key there", async () => {
    const elsewhere = await start({ keys: [secret] })
    try {
      sandbox.control.fault({
        kind: "status",
        status: 307,
        headers: { location: `${elsewhere.url}/concepts/201826` },
        body: {},
      })
      const client = createClient({ apiKey: secret, baseUrl: sandbox.url, maxRetries: 0, batching: false })
      await client.concepts.get(201826).catch(() => undefined)
      await client.close()
      // fetch followed the redirect (so the check below is not vacuous) and dropped the header.
      expect(elsewhere.requests()).toHaveLength(1)
      expect(elsewhere.requests()[0]!.headers.authorization).toBeUndefined()
      expect(elsewhere.requests()[0]!.status).toBe(401)
    } finally {
      await elsewhere.close()
    }
  })

  it("a custom unsafe operation over the pipeline keeps the key out of its span too", async () => {
    // Same checks via the raw pipeline: the span is named after the descriptor, never the URL.
    const scenario = scenarios.find((s) => s.name === "ConnectionError (truncated body, unsafe POST)")!
    const { spans } = await provoke(scenario)
    expect(spans.map((s) => s.name)).toContain("omophub.concepts.batchUnsafe")
  })
})
