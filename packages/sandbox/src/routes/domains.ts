/** Domain endpoints (contract §4.4). */
import type { Context, Hono } from "hono"
import type { Concept } from "../data/Release.ts"
import { ok } from "../http/Envelope.ts"
import { listMemoPerRelease } from "../http/LruCache.ts"
import { QueryParams, queryPage } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { matchesFilter } from "./Filters.ts"
import { compareText, conceptBrief, paginate } from "./Shapes.ts"

const countBy = (concepts: ReadonlyArray<Concept>, key: (concept: Concept) => string) => {
  const counts = new Map<string, number>()
  for (const concept of concepts) counts.set(key(concept), (counts.get(key(concept)) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
}

/** `GET /domains`: `{ domains }`, not paged. */
const getDomains = (c: Context<SandboxEnv>) => {
  const includeStats = new QueryParams(c).boolean("include_stats", false)
  const release = c.get("release")
  return ok(c, {
    domains: [...release.domains.values()].map((domain) => {
      const concepts = release.conceptsByDomain.get(domain.domain_id) ?? []
      return {
        ...domain,
        description: `Concepts of the ${domain.domain_name} domain`,
        ...(includeStats
          ? {
              stats: {
                total_concepts: concepts.length,
                standard_concepts: concepts.filter((concept) => concept.standard_concept === "S").length,
                classification_concepts: concepts.filter((concept) => concept.standard_concept === "C")
                  .length,
                vocabulary_distribution: countBy(concepts, (concept) => concept.vocabulary_id).map(
                  ([vocabularyId, count]) => ({ vocabulary_id: vocabularyId, concept_count: count }),
                ),
                concept_class_distribution: countBy(concepts, (concept) => concept.concept_class_id).map(
                  ([conceptClassId, count]) => ({ concept_class_id: conceptClassId, concept_count: count }),
                ),
              },
            }
          : {}),
      }
    }),
  })
}

/** `GET /domains/{id}/concepts`: an unknown domain is an empty page, not a 404 (contract §4.4). */
const getDomainConcepts = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  const filter = {
    vocabularyIds: query.list("vocabulary_ids"),
    standardOnly: query.boolean("standard_only", false),
    includeInvalid: query.boolean("include_invalid", false),
  }
  const page = queryPage(query, { defaultSize: 50, maxSize: 1000 })
  const release = c.get("release")
  const domainId = c.req.param("domainId") ?? ""
  // The filtered listing is built once per release, domain and filter; pages are slices.
  const key = `${domainId}\u0000${filter.vocabularyIds === undefined ? "*" : `=${filter.vocabularyIds.join("\u0001")}`}\u0000${filter.standardOnly}\u0000${filter.includeInvalid}`
  const concepts = filteredListing(release, key, () =>
    (release.conceptsByDomain.get(domainId) ?? []).filter((concept) => matchesFilter(concept, filter)),
  )
  const { items, pagination } = paginate(concepts, page)
  return ok(c, { concepts: items.map(conceptBrief) }, pagination)
}

/** Filtered domain listings per release: at most 64 listings and 4 M concept references in all. */
const filteredListing = listMemoPerRelease<Concept>(64, 4_000_000)

export const registerDomainRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.get("/domains", getDomains)
  v1.get("/domains/:domainId/concepts", getDomainConcepts)
}
