/** FHIR code-system URIs and the OMOP vocabularies they name (HL7 canonical URIs). */
import { trigramSimilarity } from "./Scoring.ts"

const systems: ReadonlyArray<readonly [uri: string, vocabularyId: string]> = [
  ["http://snomed.info/sct", "SNOMED"],
  ["http://hl7.org/fhir/sid/icd-10-cm", "ICD10CM"],
  ["http://hl7.org/fhir/sid/icd-10", "ICD10"],
  ["http://hl7.org/fhir/sid/icd-9-cm", "ICD9CM"],
  ["http://loinc.org", "LOINC"],
  ["http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"],
  ["http://unitsofmeasure.org", "UCUM"],
  ["http://hl7.org/fhir/sid/cvx", "CVX"],
  ["http://hl7.org/fhir/sid/ndc", "NDC"],
  ["http://www.ama-assn.org/go/cpt", "CPT4"],
  ["http://www.cms.gov/Medicare/Coding/ICD10", "ICD10PCS"],
  ["https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "HCPCS"],
]

/** Vocabularies the REST API will not resolve for licensing reasons (AMA). */
export const restrictedVocabularies: ReadonlySet<string> = new Set(["CPT4"])

/** Tolerates a trailing slash and an https scheme, which clients send interchangeably. */
const normalise = (uri: string) =>
  uri
    .trim()
    .replace(/\/+$/, "")
    .replace(/^https:\/\//i, "http://")
    .toLowerCase()

const byUri = new Map(systems.map(([uri, vocabularyId]) => [normalise(uri), vocabularyId]))

export const vocabularyForSystem = (uri: string): string | undefined => byUri.get(normalise(uri))

/** The known URI closest to an unknown one, for the `unknown_system` message. */
export const closestSystem = (uri: string): string | undefined => {
  let best: { uri: string; score: number } | undefined
  for (const [candidate] of systems) {
    const score = trigramSimilarity(normalise(uri), normalise(candidate))
    if (best === undefined || score > best.score) best = { uri: candidate, score }
  }
  return best !== undefined && best.score >= 0.5 ? best.uri : undefined
}
