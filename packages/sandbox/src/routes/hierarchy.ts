/**
 * Hierarchy endpoints (contract §4.5). 'Is a' hierarchy comes from the ancestor table (derived
 * closure when the release has none); other `relationship_types` are walked breadth-first.
 */
import type { Context, Hono } from "hono"
import type { Concept, VocabularyRelease } from "../data/Release.ts"
import { ok } from "../http/Envelope.ts"
import { listMemoPerRelease } from "../http/LruCache.ts"
import { conceptIdParam, QueryParams, queryPage } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { type ConceptFilter, matchesFilter } from "./Filters.ts"
import {
  compareText,
  type HierarchyNodeOptions,
  hierarchyNode,
  hierarchyRows,
  paginate,
  requireConcept,
} from "./Shapes.ts"

type Direction = "ancestors" | "descendants"

interface Reached {
  readonly concept: Concept
  min: number
  max: number
}

const maxLevelsCap = 20
const hierarchicalIds = ["Is a", "Subsumes"]

/** Concepts reached from `conceptId` in one direction, nearest first, self excluded. */
const reach = (
  release: VocabularyRelease,
  conceptId: number,
  direction: Direction,
  maxLevels: number | undefined,
  relationshipTypes: ReadonlyArray<string> | undefined,
): Reached[] => {
  const reached = new Map<number, Reached>()
  const useAncestorTable =
    relationshipTypes === undefined || relationshipTypes.some((id) => hierarchicalIds.includes(id))
  if (useAncestorTable) {
    for (const row of hierarchyRows(release, conceptId, direction, maxLevels)) {
      reached.set(row.concept.concept_id, { ...row })
    }
  }
  const walked = (relationshipTypes ?? []).filter((id) => !hierarchicalIds.includes(id))
  if (walked.length > 0) {
    // Up follows rows out of a concept; down follows rows into it.
    let frontier = [conceptId]
    const visited = new Set([conceptId])
    for (let level = 1; frontier.length > 0 && (maxLevels === undefined || level <= maxLevels); level++) {
      const next: number[] = []
      for (const id of frontier) {
        const rows =
          direction === "ancestors"
            ? (release.relationshipsFrom.get(id) ?? [])
            : (release.relationshipsTo.get(id) ?? [])
        for (const row of rows) {
          if (!walked.includes(row.relationship_id) || row.invalid_reason !== null) continue
          const otherId = direction === "ancestors" ? row.concept_id_2 : row.concept_id_1
          const concept = release.concepts.get(otherId)
          if (concept === undefined || visited.has(otherId)) continue
          visited.add(otherId)
          next.push(otherId)
          const existing = reached.get(otherId)
          if (existing === undefined) reached.set(otherId, { concept, min: level, max: level })
          else existing.max = Math.max(existing.max, level)
        }
      }
      frontier = next
    }
  }
  return [...reached.values()].sort(
    (a, b) => a.min - b.min || compareText(a.concept.concept_name, b.concept.concept_name),
  )
}

interface HierarchyQuery {
  readonly maxLevels: number | undefined
  readonly relationshipTypes: string[] | undefined
  readonly filter: ConceptFilter
  readonly nodeOptions: HierarchyNodeOptions
}

const readHierarchyQuery = (query: QueryParams, defaultMaxLevels: number | undefined): HierarchyQuery => ({
  // Above the cap is a 400 (contract §6.6), not a silent clamp.
  maxLevels: query.optionalInteger("max_levels", { min: 1, max: maxLevelsCap }) ?? defaultMaxLevels,
  relationshipTypes: query.list("relationship_types"),
  filter: {
    vocabularyIds: query.list("vocabulary_ids"),
    domainIds: query.list("domain_ids"),
    includeInvalid: query.boolean("include_invalid", false),
  },
  nodeOptions: {
    includeDistance: query.boolean("include_distance", false),
    includePaths: query.boolean("include_paths", false),
  },
})

const listKey = (list: ReadonlyArray<string> | undefined) =>
  list === undefined ? "*" : `=${list.join("\u0001")}`

/**
 * The filtered, ordered nodes in one direction. Built once per release, concept, direction and query
 * (at most 128 lists and 4 M nodes in all), so paging through a large hierarchy slices a list
 * instead of walking and sorting it again. Callers only read the list.
 */
const collect = (
  release: VocabularyRelease,
  conceptId: number,
  direction: Direction,
  request: HierarchyQuery,
): ReadonlyArray<Reached> => {
  const key = [
    conceptId,
    direction,
    request.maxLevels ?? "*",
    listKey(request.relationshipTypes),
    listKey(request.filter.vocabularyIds),
    listKey(request.filter.domainIds),
    request.filter.includeInvalid === true,
  ].join("\u0000")
  return collected(release, key, () =>
    reach(release, conceptId, direction, request.maxLevels, request.relationshipTypes).filter((node) =>
      matchesFilter(node.concept, request.filter),
    ),
  )
}

/** Reached, filtered nodes per release and request: at most 128 lists and 4 M references in all. */
const collected = listMemoPerRelease<Reached>(128, 4_000_000)

const summaryOf = (
  ancestors: ReadonlyArray<Reached>,
  descendants: ReadonlyArray<Reached>,
  request: HierarchyQuery,
) => {
  const all = [...ancestors, ...descendants]
  return {
    total_ancestors: ancestors.length,
    total_descendants: descendants.length,
    max_hierarchy_depth: Math.max(0, ...all.map((node) => node.max)),
    unique_vocabularies: [...new Set(all.map((node) => node.concept.vocabulary_id))].sort(),
    relationship_types_used: request.relationshipTypes ?? ["Is a"],
    classification_count: all.filter((node) => node.concept.standard_concept === "C").length,
  }
}

const toNodes = (nodes: ReadonlyArray<Reached>, options: HierarchyNodeOptions) =>
  nodes.map((node) => hierarchyNode(node.concept, node.min, node.max, options))

const getHierarchy = (c: Context<SandboxEnv>) => {
  const conceptId = conceptIdParam(c)
  const query = new QueryParams(c)
  const format = query.choice("format", ["flat", "graph"], "flat")
  const request = readHierarchyQuery(query, 10)
  const maxResults = query.optionalInteger("max_results", { min: 1, max: 10_000 })
  const release = c.get("release")
  const concept = requireConcept(release, conceptId)
  const ancestors = collect(release, conceptId, "ancestors", request).slice(0, maxResults)
  const descendants = collect(release, conceptId, "descendants", request).slice(0, maxResults)

  if (format === "graph") {
    const members = [{ concept, min: 0, max: 0 }, ...ancestors, ...descendants]
    const ids = new Set(members.map((node) => node.concept.concept_id))
    const edges = members.flatMap((node) =>
      (release.relationshipsFrom.get(node.concept.concept_id) ?? [])
        .filter(
          (row) => row.relationship_id === "Is a" && row.invalid_reason === null && ids.has(row.concept_id_2),
        )
        .map((row) => ({ source: row.concept_id_1, target: row.concept_id_2, relationship_id: "Is a" })),
    )
    return ok(c, { nodes: toNodes(members, request.nodeOptions), edges })
  }
  const summary = summaryOf(ancestors, descendants, request)
  return ok(c, {
    concept_id: concept.concept_id,
    concept_name: concept.concept_name,
    vocabulary_id: concept.vocabulary_id,
    ancestors: toNodes(ancestors, request.nodeOptions),
    descendants: toNodes(descendants, request.nodeOptions),
    total_ancestors: ancestors.length,
    total_descendants: descendants.length,
    hierarchy_summary: summary,
  })
}

const oneDirection =
  (direction: Direction, defaultMaxLevels: number | undefined) => (c: Context<SandboxEnv>) => {
    const conceptId = conceptIdParam(c)
    const query = new QueryParams(c)
    const request = readHierarchyQuery(query, defaultMaxLevels)
    const page = queryPage(query, { defaultSize: 100, maxSize: 1000 })
    const release = c.get("release")
    const concept = requireConcept(release, conceptId)
    const nodes = collect(release, conceptId, direction, request)
    const { items, pagination } = paginate(nodes, page)
    const summary = direction === "ancestors" ? summaryOf(nodes, [], request) : summaryOf([], nodes, request)
    return ok(
      c,
      {
        concept_id: concept.concept_id,
        concept_name: concept.concept_name,
        vocabulary_id: concept.vocabulary_id,
        [direction]: toNodes(items, request.nodeOptions),
        hierarchy_summary: summary,
      },
      pagination,
    )
  }

export const registerHierarchyRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.get("/concepts/:conceptId/hierarchy", getHierarchy)
  v1.get("/concepts/:conceptId/ancestors", oneDirection("ancestors", undefined))
  v1.get("/concepts/:conceptId/descendants", oneDirection("descendants", 10))
}
