/** Vocabulary endpoints (contract §4.3). */
import type { Context, Hono } from "hono"
import { conceptOrderOf, firstSorted } from "../data/ConceptOrder.ts"
import type { Concept, Vocabulary, VocabularyRelease } from "../data/Release.ts"
import { prepareQuery } from "../data/Scoring.ts"
import { type LexicalHit, searchIndexOf } from "../data/SearchIndex.ts"
import { notFound, ok, paginationMeta } from "../http/Envelope.ts"
import { listMemoPerRelease } from "../http/LruCache.ts"
import { QueryParams, queryPage } from "../http/Params.ts"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { matchesFilter } from "./Filters.ts"
import { compareText, conceptWithIncludes, paginate, sortConcepts } from "./Shapes.ts"

const requireVocabulary = (release: VocabularyRelease, vocabularyId: string): Vocabulary => {
  const vocabulary = release.vocabularies.get(vocabularyId)
  if (vocabulary === undefined) {
    throw notFound(
      `Vocabulary not found: ${vocabularyId}`,
      { vocabulary_id: vocabularyId },
      "vocabulary_not_found",
    )
  }
  return vocabulary
}

const conceptsOf = (release: VocabularyRelease, vocabularyId: string): ReadonlyArray<Concept> =>
  release.conceptsByVocabulary.get(vocabularyId) ?? []

const dateRange = (concepts: ReadonlyArray<Concept>) => {
  const starts = concepts.map((concept) => concept.valid_start_date).sort()
  const ends = concepts.map((concept) => concept.valid_end_date).sort()
  return { first: starts[0] ?? null, lastStart: starts.at(-1) ?? null, lastEnd: ends.at(-1) ?? null }
}

/** Audit timestamps derived from the concepts' validity dates, so they are stable per release. */
const vocabularyRow = (release: VocabularyRelease, vocabulary: Vocabulary) => {
  const range = dateRange(conceptsOf(release, vocabulary.vocabulary_id))
  return {
    ...vocabulary,
    created_at: `${range.first ?? "1970-01-01"}T00:00:00Z`,
    updated_at: `${range.lastStart ?? "1970-01-01"}T00:00:00Z`,
  }
}

const getVocabularies = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  // include_stats is accepted and ignored, as on the live API (contract §4.3).
  query.boolean("include_stats", false)
  const includeInactive = query.boolean("include_inactive", false)
  const sortBy = query.choice("sort_by", ["name", "priority", "updated"], "name")
  const sortOrder = query.choice("sort_order", ["asc", "desc"], sortBy === "name" ? "asc" : "desc")
  const page = queryPage(query, { defaultSize: 20, maxSize: 1000 })
  const release = c.get("release")
  const rows = [...release.vocabularies.values()]
    .filter((vocabulary) => includeInactive || conceptsOf(release, vocabulary.vocabulary_id).length > 0)
    .map((vocabulary) => ({
      row: vocabularyRow(release, vocabulary),
      size: conceptsOf(release, vocabulary.vocabulary_id).length,
    }))
  const sign = sortOrder === "asc" ? 1 : -1
  rows.sort((a, b) => {
    const compared =
      sortBy === "priority"
        ? a.size - b.size
        : sortBy === "updated"
          ? compareText(a.row.updated_at, b.row.updated_at)
          : compareText(a.row.vocabulary_name, b.row.vocabulary_name)
    return sign * compared || compareText(a.row.vocabulary_id, b.row.vocabulary_id)
  })
  const { items, pagination } = paginate(rows, page)
  return ok(c, { vocabularies: items.map((item) => item.row) }, pagination)
}

const getVocabulary = (c: Context<SandboxEnv>) => {
  const release = c.get("release")
  return ok(c, vocabularyRow(release, requireVocabulary(release, c.req.param("vocabularyId") ?? "")))
}

const countConcepts = (concepts: ReadonlyArray<Concept>) => ({
  total_concepts: concepts.length,
  standard_concepts: concepts.filter((concept) => concept.standard_concept === "S").length,
  classification_concepts: concepts.filter((concept) => concept.standard_concept === "C").length,
  invalid_concepts: concepts.filter((concept) => concept.invalid_reason !== null).length,
  active_concepts: concepts.filter((concept) => concept.invalid_reason === null).length,
})

const distribution = (concepts: ReadonlyArray<Concept>, key: (concept: Concept) => string) => {
  const counts = new Map<string, number>()
  for (const concept of concepts) counts.set(key(concept), (counts.get(key(concept)) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
}

const getVocabularyStats = (c: Context<SandboxEnv>) => {
  const release = c.get("release")
  const vocabulary = requireVocabulary(release, c.req.param("vocabularyId") ?? "")
  const concepts = conceptsOf(release, vocabulary.vocabulary_id)
  const range = dateRange(concepts)
  return ok(c, {
    vocabulary_id: vocabulary.vocabulary_id,
    vocabulary_name: vocabulary.vocabulary_name,
    ...countConcepts(concepts),
    valid_start_date: range.first,
    valid_end_date: range.lastEnd,
    last_updated: range.lastStart,
    domain_distribution: distribution(concepts, (concept) => concept.domain_id).map(([domainId, count]) => ({
      domain_id: domainId,
      domain_name: release.domains.get(domainId)?.domain_name ?? domainId,
      concept_count: count,
    })),
  })
}

const getVocabularyDomainStats = (c: Context<SandboxEnv>) => {
  const release = c.get("release")
  const vocabulary = requireVocabulary(release, c.req.param("vocabularyId") ?? "")
  const domainId = c.req.param("domainId") ?? ""
  const concepts = conceptsOf(release, vocabulary.vocabulary_id).filter(
    (concept) => concept.domain_id === domainId,
  )
  return ok(c, {
    vocabulary_id: vocabulary.vocabulary_id,
    domain_id: domainId,
    domain_name: release.domains.get(domainId)?.domain_name ?? domainId,
    ...countConcepts(concepts),
    concept_class_distribution: distribution(concepts, (concept) => concept.concept_class_id).map(
      ([conceptClassId, count]) => ({ concept_class_id: conceptClassId, concept_count: count }),
    ),
  })
}

const getVocabularyDomains = (c: Context<SandboxEnv>) => {
  const release = c.get("release")
  return ok(c, {
    domains: [...release.domains.values()].map((domain) => ({
      ...domain,
      description: `Concepts of the ${domain.domain_name} domain`,
    })),
  })
}

/** A bare array (contract §4.3). */
const getConceptClasses = (c: Context<SandboxEnv>) => ok(c, [...c.get("release").conceptClasses.values()])

const getVocabularyConcepts = (c: Context<SandboxEnv>) => {
  const query = new QueryParams(c)
  const release = c.get("release")
  const vocabulary = requireVocabulary(release, c.req.param("vocabularyId") ?? "")
  const search = query.string("search", { max: 500 })
  const standard = query.choice("standard_concept", ["S", "C", "N", "all"], "all")
  const includeInvalid = query.boolean("include_invalid", false)
  const includes = {
    relationships: query.boolean("include_relationships", false),
    synonyms: query.boolean("include_synonyms", false),
    hierarchy: false,
  }
  const sortBy = query.choice("sort_by", ["name", "concept_id", "concept_code"], "name")
  const sortOrder = query.choice("sort_order", ["asc", "desc"], "asc")
  const page = queryPage(query, { defaultSize: 20, maxSize: 1000 })
  const filter = { standardConcept: standard === "all" ? undefined : standard, includeInvalid }
  const accept = (concept: Concept) =>
    concept.vocabulary_id === vocabulary.vocabulary_id && matchesFilter(concept, filter)
  const start = (page.page - 1) * page.pageSize
  let total: number
  let items: ReadonlyArray<Concept>
  if (search === undefined || search.trim() === "") {
    // The whole listing is sorted once per release, vocabulary, filter and order; pages are slices.
    const key = `${vocabulary.vocabulary_id}\u0000${sortBy}\u0000${sortOrder}\u0000${standard}\u0000${includeInvalid}`
    const sorted = sortedListing(release, key, () =>
      sortConcepts(
        conceptsOf(release, vocabulary.vocabulary_id)
          .filter(accept)
          .map((concept) => ({ concept })),
        (item) => sortKeyOf(item.concept, sortBy),
        sortOrder,
      ).map((item) => item.concept),
    )
    total = sorted.length
    items = sorted.slice(start, start + page.pageSize)
  } else {
    const hits = searchIndexOf(release).lexicalSearch(prepareQuery(search), false, accept)
    total = hits.length
    items = firstSorted(hits, hitOrder(release, sortBy, sortOrder), start + page.pageSize)
      .slice(start)
      .map((hit) => hit.concept)
  }
  return ok(
    c,
    items.map((concept) => conceptWithIncludes(release, concept, includes)),
    paginationMeta(page.page, page.pageSize, total),
  )
}

type ListingSort = "name" | "concept_id" | "concept_code"

const sortKeyOf = (concept: Concept, sortBy: ListingSort): string | number =>
  sortBy === "concept_id"
    ? concept.concept_id
    : sortBy === "concept_code"
      ? concept.concept_code
      : concept.concept_name

/** `sortConcepts` by `sortKeyOf` as a comparator of search hits, with precomputed collation ranks. */
const hitOrder = (
  release: VocabularyRelease,
  sortBy: ListingSort,
  order: "asc" | "desc",
): ((a: LexicalHit, b: LexicalHit) => number) => {
  const sign = order === "asc" ? 1 : -1
  if (sortBy === "concept_id") {
    return (a, b) =>
      sign * (a.concept.concept_id - b.concept.concept_id) || a.concept.concept_id - b.concept.concept_id
  }
  const ranks = conceptOrderOf(release).rank(sortBy === "concept_code" ? "code" : "name")
  return (a, b) =>
    sign * (ranks[a.position]! - ranks[b.position]!) || a.concept.concept_id - b.concept.concept_id
}

/**
 * Sorted vocabulary listings per release (key: vocabulary, sort, order, filter), built on first
 * request; at most 64 listings and 4 M concept references in all.
 */
const sortedListing = listMemoPerRelease<Concept>(64, 4_000_000)

export const registerVocabularyRoutes = (v1: Hono<SandboxEnv>): void => {
  v1.get("/vocabularies", getVocabularies)
  v1.get("/vocabularies/domains", getVocabularyDomains)
  v1.get("/vocabularies/concept-classes", getConceptClasses)
  v1.get("/vocabularies/:vocabularyId", getVocabulary)
  v1.get("/vocabularies/:vocabularyId/stats", getVocabularyStats)
  v1.get("/vocabularies/:vocabularyId/stats/domains/:domainId", getVocabularyDomainStats)
  v1.get("/vocabularies/:vocabularyId/concepts", getVocabularyConcepts)
}
