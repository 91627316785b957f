/**
 * Automatic batching: single-item calls made in the same tick (plus an optional short window) with
 * the same options are sent as one batch request of up to 100 items, and each caller still gets its
 * own value or its own error. A group of one is sent as the caller's own plain request, so single
 * calls are unchanged on the wire; without a window, a call that is still the only one waiting once
 * the current microtasks have run is sent at once, without waiting for the tick. Calls a batch endpoint cannot
 * express the same way (other options, an idempotency key, invalid input) are sent alone.
 *
 * - `concepts.get(id)` → `POST /concepts/batch` with `standard_only: false` (so non-standard concepts
 *   come back as from `GET /concepts/{id}`); an id the batch did not return fails only its caller
 *   with a `NotFoundError`. Batched: no options, `includeRelationships`, `includeSynonyms`,
 *   `vocabRelease`. `includeHierarchy` goes alone.
 * - `mappings.map({ sourceConcepts: [id], ... })` (one source concept) and
 *   `mappings.map({ sourceCodes: [{ vocabularyId, conceptCode }], ... })` (one source code) →
 *   `POST /concepts/map` with the grouped ids (or codes), for calls with the same target vocabulary,
 *   mapping type, `includeInvalid` and release; ids and codes go in separate requests. Each caller
 *   gets the rows and failures of its own source, and a summary for it: an unknown or unmapped
 *   code comes back in its caller's `failed_mappings`, as from a lone call. Rows are tied to a code
 *   by their `source_vocabulary_id` / `source_concept_code`.
 * - `fhir.resolve(coding, options)` → `POST /fhir/resolve/batch` for calls with the same options.
 *   A coding that fails in the batch fails its caller with the error its code stands for
 *   (`not_found` → `NotFoundError`, `unknown_system` / `missing_input` → `InvalidRequestError`,
 *   `vocabulary_restricted` → `PermissionDeniedError`).
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Request from "effect/Request"
import * as RequestResolver from "effect/RequestResolver"
import { DecodeError, NotFoundError, type OmopHubError } from "../Errors.ts"
import { classifyResponse } from "../http/Classify.ts"
import type { RequestPipelineShape } from "../http/RequestPipeline.ts"
import * as Concepts from "../resources/Concepts.ts"
import * as Fhir from "../resources/Fhir.ts"
import type { FhirCodingInput } from "../resources/FhirTypes.ts"
import * as Mappings from "../resources/Mappings.ts"
import type { Concept } from "../resources/Models.ts"
import type { EncodedInput } from "../resources/Operation.ts"
import { type Checker, makeChecker } from "../resources/Validate.ts"
import { type BoundMethod, splitCallOptions } from "./Bind.ts"

/** The most calls one batch request carries. */
const maxBatch = 100

export interface BatchingSettings {
  /** Extra wait before a batch is sent, to gather more calls; 0 sends at the end of the current tick. */
  readonly windowMs: number
}

/** What the resolver answers a call that is alone in its group: "send your own request". */
const alone: unique symbol = Symbol("omophub/batching/alone")

/** A call waiting for its batch: its group, the item it asks for, and its original arguments. */
interface Call extends Request.Request<unknown, OmopHubError> {
  readonly group: string
  readonly item: unknown
  readonly args: ReadonlyArray<unknown>
}
const Call = Request.of<Call>()

interface Admitted {
  readonly group: string
  readonly item: unknown
}

interface CoalescerSpec {
  /** How many positional arguments come before the options object. */
  readonly arity: number
  /** The group and item of a call that may join a batch, or `undefined` to send it alone. */
  readonly admit: (args: ReadonlyArray<unknown>, options: unknown) => Admitted | undefined
  /** Sends two or more calls of one group as one request and completes every entry. */
  readonly runBatch: (entries: ReadonlyArray<Request.Entry<Call>>) => Effect.Effect<void>
}

const coalesce = (plain: BoundMethod, settings: BatchingSettings, spec: CoalescerSpec): BoundMethod => {
  const grouped = RequestResolver.makeGrouped<Call, string>({
    key: (entry) => entry.request.group,
    resolver: (entries) => {
      // A lone call runs its plain request in its own fiber (see `alone`), so that interrupting
      // the caller (an abort) cancels the fetch and any backoff wait at once.
      if (entries.length === 1) return Effect.sync(() => entries[0].completeUnsafe(Exit.succeed(alone)))
      // The same call several times: one plain request, shared.
      if (new Set(entries.map((entry) => JSON.stringify(entry.request.item))).size === 1) {
        return Effect.map(Effect.exit(plain(...entries[0].request.args)), (exit) =>
          completeAll(entries, exit),
        )
      }
      return spec.runBatch(entries)
    },
  })
  const limited = RequestResolver.batchN(grouped, maxBatch)
  const resolver = settings.windowMs > 0 ? RequestResolver.setDelay(limited, settings.windowMs) : limited
  const viaResolver = (admitted: Admitted, args: ReadonlyArray<unknown>) =>
    Effect.flatMap(Effect.request(Call({ ...admitted, args }), resolver), (result) =>
      result === alone ? plain(...args) : Effect.succeed(result),
    )
  // With a window the resolver's delay does the gathering; without one, a cheap pre-stage does it.
  const gathered = settings.windowMs > 0 ? viaResolver : gatherFirst(plain, viaResolver)
  return (...args) => {
    const { options, idempotencyKey } = splitCallOptions(args[spec.arity])
    const admitted = idempotencyKey === undefined ? spec.admit(args, options) : undefined
    if (admitted === undefined) return plain(...args)
    return gathered(admitted, args)
  }
}

/**
 * The pre-stage for batching without a window: calls wait in a plain map by group, without the
 * request/resolver machinery (a fiber and a second scheduler turn per call).
 * - At the end of the current microtask queue, a call found ALONE (no other call waiting, in any
 *   group) runs its plain request at once: a lone call never waits for a macrotask.
 * - Otherwise the calls keep gathering until the end of the current scheduler tick (the same tick
 *   the resolver would wait for). A call alone in its group then runs its plain request directly;
 *   calls with company go on to the resolver together, in the same tick, so they are batched
 *   exactly as before.
 */
const gatherFirst = (
  plain: BoundMethod,
  viaResolver: (admitted: Admitted, args: ReadonlyArray<unknown>) => Effect.Effect<unknown, OmopHubError>,
) => {
  type Wake = (lone: boolean) => void
  let waiting: Map<string, Array<Wake>> | undefined
  // Whether the end-of-tick flush is already scheduled for the current `waiting`.
  let tickScheduled = false
  let dispatcher: { readonly scheduleTask: (task: () => void, priority: number) => void } | undefined
  const flush = () => {
    const groups = waiting
    waiting = undefined
    tickScheduled = false
    if (groups === undefined) return
    for (const group of groups.values()) {
      const lone = group.length === 1
      for (const wake of group) wake(lone)
    }
  }
  const atMicrotaskEnd = () => {
    const groups = waiting
    if (groups === undefined || tickScheduled) return
    let count = 0
    for (const group of groups.values()) count += group.length
    if (count <= 1) return flush()
    tickScheduled = true
    dispatcher!.scheduleTask(flush, 0)
  }
  const gather = (group: string): Effect.Effect<boolean> =>
    Effect.withFiber((fiber) =>
      Effect.callback<boolean>((resume) => {
        if (waiting === undefined) {
          waiting = new Map()
          dispatcher = fiber.currentDispatcher
          queueMicrotask(atMicrotaskEnd)
        }
        const groups = waiting
        let members = groups.get(group)
        if (members === undefined) {
          members = []
          groups.set(group, members)
        }
        const wake: Wake = (lone) => resume(lone ? loneResult : companyResult)
        members.push(wake)
        // An interrupted caller leaves its group, so it neither counts as company nor gets woken.
        return Effect.sync(() => {
          const index = members.indexOf(wake)
          if (index !== -1) members.splice(index, 1)
        })
      }),
    )
  return (admitted: Admitted, args: ReadonlyArray<unknown>): Effect.Effect<unknown, OmopHubError> =>
    Effect.flatMap(gather(admitted.group), (lone) => (lone ? plain(...args) : viaResolver(admitted, args)))
}
const loneResult = Effect.succeed(true)
const companyResult = Effect.succeed(false)

/** Whether the descriptor accepts the input (issues are left for the plain call to report). */
const valid = (encode: (check: Checker) => EncodedInput): boolean => {
  const check = makeChecker()
  encode(check)
  return check.issues.length === 0
}

const completeAll = (entries: ReadonlyArray<Request.Entry<Call>>, exit: Exit.Exit<unknown, OmopHubError>) => {
  for (const entry of entries) entry.completeUnsafe(exit)
}

// ---------------------------------------------------------------------------------------------
// concepts.get

const conceptKeys = new Set(["includeRelationships", "includeSynonyms", "vocabRelease"])

const missingConcept = (conceptId: number, reason: string | null | undefined) =>
  new NotFoundError({
    message: `concepts.get: concept ${conceptId} not found${reason && reason !== "not_found" ? ` (${reason})` : ""}`,
    status: 404,
    code: "not_found",
    details: { concept_id: conceptId, ...(reason ? { reason } : {}) },
    operation: "concepts.get",
    retryable: false,
  })

// What the general path below derives for a call without options (JSON drops the undefined keys).
const noShared = { includeRelationships: undefined, includeSynonyms: undefined, vocabRelease: undefined }
const noOptionsGroup = JSON.stringify(noShared)

/** `concepts.get` with automatic batching into `POST /concepts/batch`. */
export const batchConceptGet = (
  pipeline: RequestPipelineShape,
  plain: BoundMethod,
  settings: BatchingSettings,
): BoundMethod =>
  coalesce(plain, settings, {
    arity: 1,
    admit: ([conceptId], options) => {
      const o = (options ?? {}) as Record<string, unknown>
      const input = { conceptId: conceptId as number, options: o as Concepts.GetConceptOptions }
      if (!valid((check) => Concepts.get.encode(input, check))) return undefined
      if (options === undefined) return { group: noOptionsGroup, item: { conceptId, shared: noShared } }
      for (const [key, value] of Object.entries(o)) {
        if (!conceptKeys.has(key) && value !== undefined && value !== false) return undefined
      }
      const shared = {
        includeRelationships: o.includeRelationships === true ? true : undefined,
        includeSynonyms: o.includeSynonyms === true ? true : undefined,
        vocabRelease: o.vocabRelease as string | undefined,
      }
      return { group: JSON.stringify(shared), item: { conceptId, shared } }
    },
    runBatch: (entries) =>
      Effect.gen(function* () {
        const { shared } = entries[0]!.request.item as { shared: Concepts.BatchConceptsOptions }
        const ids = [
          ...new Set(entries.map((entry) => (entry.request.item as { conceptId: number }).conceptId)),
        ]
        const exit = yield* Effect.exit(
          pipeline.execute(Concepts.batch, { conceptIds: ids, options: { ...shared, standardOnly: false } }),
        )
        if (Exit.isFailure(exit)) return completeAll(entries, Exit.failCause(exit.cause))
        const found = new Map<number, Concept>()
        for (const concept of exit.value.concepts) found.set(concept.concept_id, concept)
        const reasons = new Map<number, string | null | undefined>()
        for (const failed of exit.value.failed_concepts) reasons.set(failed.concept_id, failed.reason)
        for (const entry of entries) {
          const id = (entry.request.item as { conceptId: number }).conceptId
          const concept = found.get(id)
          entry.completeUnsafe(
            concept === undefined ? Exit.fail(missingConcept(id, reasons.get(id))) : Exit.succeed(concept),
          )
        }
      }),
  })

// ---------------------------------------------------------------------------------------------
// mappings.map

type MapShared = Omit<Mappings.MapConceptsRequest, "sourceConcepts" | "sourceCodes">
type MapFailure = Mappings.MapConceptsResult["failed_mappings"][number]

/** One `mappings.map` call's share of a batch: one source concept or one source code. */
type MapItem =
  | { readonly conceptId: number; readonly shared: MapShared }
  | {
      readonly code: { readonly vocabularyId: string; readonly conceptCode: string }
      readonly shared: MapShared
    }

/** What a caller with one source gets: its own rows and failures, and a summary for that source. */
const oneSourceResult = (
  mappings: ReadonlyArray<Mappings.MapConceptsResult["mappings"][number]>,
  failed: ReadonlyArray<MapFailure>,
): Mappings.MapConceptsResult => {
  const mapped = mappings.length > 0 ? 1 : 0
  return {
    mappings,
    failed_mappings: failed,
    summary: {
      total_source_concepts: 1,
      total_mappings: mappings.length,
      mapped_concepts: mapped,
      unmapped_concepts: 1 - mapped,
    },
  }
}

/** A source code's key in a batch answer: vocabulary id and code, exactly as sent. */
const codeKey = (vocabularyId: unknown, conceptCode: unknown): string | undefined =>
  typeof vocabularyId === "string" && typeof conceptCode === "string"
    ? JSON.stringify([vocabularyId, conceptCode])
    : undefined

/**
 * `mappings.map` with one source concept or one source code, batched into one `POST /concepts/map`
 * per group (concepts and codes never share a request). A code's rows are the rows whose
 * `source_vocabulary_id` / `source_concept_code` are that code, its failures the `failed_mappings`
 * whose `source_code` is that code. If the answer has rows that name no code of the batch (the
 * server left the source fields out, or wrote the code differently), a caller that found nothing of
 * its own cannot be told apart from them and sends its own plain request instead.
 */
export const batchMappingMap = (
  pipeline: RequestPipelineShape,
  plain: BoundMethod,
  settings: BatchingSettings,
): BoundMethod =>
  coalesce(plain, settings, {
    arity: 0,
    admit: (_args, request) => {
      const r = request as Mappings.MapConceptsRequest | undefined
      if (!valid((check) => Mappings.map.encode(r, check))) return undefined
      if (r?.sourceConcepts?.length === 1 && r.sourceCodes === undefined) {
        const { sourceConcepts, ...shared } = r
        return { group: JSON.stringify(shared), item: { conceptId: sourceConcepts[0]!, shared } }
      }
      if (r?.sourceCodes?.length === 1 && (r.sourceConcepts === undefined || r.sourceConcepts === null)) {
        const { sourceCodes, sourceConcepts: _none, ...shared } = r
        const code = { vocabularyId: sourceCodes[0]!.vocabularyId, conceptCode: sourceCodes[0]!.conceptCode }
        return { group: `codes ${JSON.stringify(shared)}`, item: { code, shared } }
      }
      return undefined
    },
    runBatch: (entries) =>
      "code" in (entries[0]!.request.item as MapItem)
        ? mapCodes(pipeline, plain, entries)
        : mapConcepts(pipeline, entries),
  })

const mapConcepts = (pipeline: RequestPipelineShape, entries: ReadonlyArray<Request.Entry<Call>>) =>
  Effect.gen(function* () {
    const { shared } = entries[0]!.request.item as MapItem
    const ids = [...new Set(entries.map((entry) => (entry.request.item as { conceptId: number }).conceptId))]
    const exit = yield* Effect.exit(pipeline.execute(Mappings.map, { ...shared, sourceConcepts: ids }))
    if (Exit.isFailure(exit)) return completeAll(entries, Exit.failCause(exit.cause))
    for (const entry of entries) {
      const id = (entry.request.item as { conceptId: number }).conceptId
      const result = oneSourceResult(
        exit.value.mappings.filter((row) => row.source_concept_id === id),
        exit.value.failed_mappings.filter((failed) => failed.source_concept_id === id),
      )
      entry.completeUnsafe(Exit.succeed(result))
    }
  })

const mapCodes = (
  pipeline: RequestPipelineShape,
  plain: BoundMethod,
  entries: ReadonlyArray<Request.Entry<Call>>,
) =>
  Effect.gen(function* () {
    const { shared } = entries[0]!.request.item as MapItem
    const codeOf = (entry: Request.Entry<Call>) =>
      (entry.request.item as { code: { vocabularyId: string; conceptCode: string } }).code
    const keyOf = (entry: Request.Entry<Call>) =>
      codeKey(codeOf(entry).vocabularyId, codeOf(entry).conceptCode)!
    const unique = new Map<string, { vocabularyId: string; conceptCode: string }>()
    for (const entry of entries) unique.set(keyOf(entry), codeOf(entry))
    const exit = yield* Effect.exit(
      pipeline.execute(Mappings.map, { ...shared, sourceCodes: [...unique.values()] }),
    )
    if (Exit.isFailure(exit)) return completeAll(entries, Exit.failCause(exit.cause))
    const rows = new Map<string, Array<Mappings.MapConceptsResult["mappings"][number]>>()
    let strayRows = 0
    for (const row of exit.value.mappings) {
      const key = codeKey(row.source_vocabulary_id, row.source_concept_code)
      if (key === undefined || !unique.has(key)) {
        strayRows++
        continue
      }
      const own = rows.get(key)
      if (own === undefined) rows.set(key, [row])
      else own.push(row)
    }
    const failures = new Map<string, Array<MapFailure>>()
    for (const failed of exit.value.failed_mappings) {
      const key = codeKey(failed.source_code?.vocabulary_id, failed.source_code?.concept_code)
      if (key === undefined) continue
      const own = failures.get(key)
      if (own === undefined) failures.set(key, [failed])
      else own.push(failed)
    }
    const unclear: Array<Request.Entry<Call>> = []
    for (const entry of entries) {
      const key = keyOf(entry)
      const own = rows.get(key) ?? []
      const failed = failures.get(key) ?? []
      if (own.length === 0 && failed.length === 0 && strayRows > 0) unclear.push(entry)
      else entry.completeUnsafe(Exit.succeed(oneSourceResult(own, failed)))
    }
    // Callers the answer cannot be tied to ask on their own, as without batching.
    yield* Effect.forEach(
      unclear,
      (entry) =>
        Effect.map(Effect.exit(plain(...entry.request.args)), (result) => entry.completeUnsafe(result)),
      { concurrency: "unbounded", discard: true },
    )
  })

// ---------------------------------------------------------------------------------------------
// fhir.resolve

/** The HTTP status `POST /fhir/resolve` answers with for a batch item's error code. */
const fhirErrorStatus = (code: string | null): number => {
  switch (code) {
    case "not_found":
    case "concept_not_found":
    case "unmapped":
      return 404
    case "vocabulary_restricted":
      return 403
    case "internal_server_error":
      return 500
    default:
      return 400
  }
}

/** `fhir.resolve` with automatic batching into `POST /fhir/resolve/batch`. */
export const batchFhirResolve = (
  pipeline: RequestPipelineShape,
  plain: BoundMethod,
  settings: BatchingSettings,
): BoundMethod =>
  coalesce(plain, settings, {
    arity: 1,
    admit: ([coding], options) => {
      const input = { coding: coding as FhirCodingInput, options: options as Fhir.FhirResolveOptions }
      if (!valid((check) => Fhir.resolve.encode(input, check))) return undefined
      return { group: JSON.stringify(options ?? {}), item: { coding, options } }
    },
    runBatch: (entries) =>
      Effect.gen(function* () {
        const { options } = entries[0]!.request.item as { options: Fhir.FhirResolveOptions | undefined }
        const codings = entries.map((entry) => (entry.request.item as { coding: FhirCodingInput }).coding)
        const exit = yield* Effect.exit(pipeline.execute(Fhir.resolveBatch, { codings, options }))
        if (Exit.isFailure(exit)) return completeAll(entries, Exit.failCause(exit.cause))
        const results = exit.value.results
        if (results.length !== entries.length) {
          return completeAll(
            entries,
            Exit.fail(
              new DecodeError({
                message: `fhir.resolve: the batch answered ${results.length} results for ${entries.length} codings`,
                operation: "fhir.resolve",
                retryable: false,
              }),
            ),
          )
        }
        const now = yield* Clock.currentTimeMillis
        for (const [index, entry] of entries.entries()) {
          const item = results[index]!
          if (Fhir.isFhirResolved(item)) {
            entry.completeUnsafe(Exit.succeed(item))
            continue
          }
          const error = classifyResponse({
            status: fhirErrorStatus(item.error.code),
            headers: {},
            body: JSON.stringify({
              success: false,
              error: { code: item.error.code, message: item.error.message },
            }),
            operation: "fhir.resolve",
            nowMs: now,
          })
          entry.completeUnsafe(Exit.fail(error!))
        }
      }),
  })
