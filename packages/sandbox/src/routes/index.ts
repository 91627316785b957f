/**
 * Registers every OMOPHub endpoint (contract §4), relative to /v1. Static `/concepts/...` paths
 * (semantic-search, batch, suggest, by-code, map) are registered before `/concepts/:conceptId`, so
 * the id route never sees them.
 */
import type { Hono } from "hono"
import type { SandboxEnv } from "../http/SandboxEnv.ts"
import { registerConceptRoutes } from "./concepts.ts"
import { registerDomainRoutes } from "./domains.ts"
import { registerFhirRoutes } from "./fhir.ts"
import { registerHierarchyRoutes } from "./hierarchy.ts"
import { registerMappingRoutes } from "./mappings.ts"
import { registerRelationshipRoutes } from "./relationships.ts"
import { registerSearchRoutes } from "./search.ts"
import { registerVocabularyRoutes } from "./vocabularies.ts"

export function registerV1Routes(v1: Hono<SandboxEnv>): void {
  registerSearchRoutes(v1)
  registerMappingRoutes(v1)
  registerConceptRoutes(v1)
  registerRelationshipRoutes(v1)
  registerHierarchyRoutes(v1)
  registerVocabularyRoutes(v1)
  registerDomainRoutes(v1)
  registerFhirRoutes(v1)
}
