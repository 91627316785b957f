/**
 * Rendering, with DOM calls only (text goes in through `textContent`, never as HTML).
 */
import type { Concept, Hierarchy } from "@omophub/browser"

type Child = Node | string | undefined | false

/** `el("li", { class: "x" }, child, ...)`: an element with attributes and children. */
export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: ReadonlyArray<Child>
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children) {
    if (child !== undefined && child !== false) element.append(child)
  }
  return element
}

/** The concept fields the views show (search hits, suggestions, hierarchy nodes and full concepts). */
export interface ConceptRow {
  readonly concept_id: number
  readonly concept_name: string
  readonly vocabulary_id: string
  readonly concept_code: string
  readonly domain_id?: string | undefined
  readonly standard_concept?: string | null | undefined
}

const standardLabels: Record<string, string> = { S: "Standard", C: "Classification" }

/** "Standard", "Classification" or "Non-standard", as a badge. */
export const standardBadge = (flag: string | null | undefined) => {
  const key = flag ?? "N"
  return el(
    "span",
    { class: `badge badge-${standardLabels[key] ? key : "N"}` },
    standardLabels[key] ?? "Non-standard",
  )
}

/** One suggestion: name, then vocabulary, code, domain and the standard flag. */
export const suggestionItem = (concept: ConceptRow, id: string) =>
  el(
    "div",
    {
      id,
      class: "option",
      role: "option",
      "aria-selected": "false",
      "data-concept-id": String(concept.concept_id),
    },
    el("span", { class: "option-name" }, concept.concept_name),
    el(
      "span",
      { class: "option-meta" },
      el("span", { class: "vocab" }, concept.vocabulary_id),
      el("code", { class: "code" }, concept.concept_code),
      el("span", { class: "domain" }, concept.domain_id ?? "—"),
      standardBadge(concept.standard_concept),
    ),
  )

const field = (label: string, value: Node | string) =>
  el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value))

const levelsUp = (node: Hierarchy.HierarchyNode) => {
  const level = node.min_levels_of_separation ?? node.level ?? node.hierarchy_level
  return level === undefined ? "" : level === 1 ? "parent" : `${level} levels up`
}

/** The details card: the concept's fields, then its ancestors nearest first. */
export const detailsCard = (
  concept: Concept,
  ancestors: ReadonlyArray<Hierarchy.HierarchyNode>,
  onPick: (conceptId: number) => void,
) => {
  const valid = [concept.valid_start_date, concept.valid_end_date].filter(Boolean).join(" – ")
  const list = el("ol", { class: "ancestors" })
  for (const node of ancestors) {
    const button = el(
      "button",
      { type: "button", class: "ancestor", "data-concept-id": String(node.concept_id) },
      el("span", { class: "ancestor-name" }, node.concept_name),
      el(
        "span",
        { class: "ancestor-meta" },
        `${node.vocabulary_id} ${node.concept_code}`,
        levelsUp(node) && ` · ${levelsUp(node)}`,
      ),
    )
    button.addEventListener("click", () => onPick(node.concept_id))
    list.append(el("li", {}, button))
  }
  return el(
    "article",
    { class: "card", "data-concept-id": String(concept.concept_id) },
    el("h2", { class: "card-title" }, concept.concept_name),
    el(
      "p",
      { class: "card-subtitle" },
      `${concept.vocabulary_id} ${concept.concept_code}`,
      " ",
      standardBadge(concept.standard_concept),
    ),
    el(
      "dl",
      { class: "fields" },
      field("Concept ID", String(concept.concept_id)),
      field("Vocabulary", concept.vocabulary_id),
      field("Code", el("code", {}, concept.concept_code)),
      field("Domain", concept.domain_id ?? "—"),
      field("Class", concept.concept_class_id ?? "—"),
      field("Standard", standardLabels[concept.standard_concept ?? "N"] ?? "Non-standard"),
      valid !== "" && field("Valid", valid),
      concept.invalid_reason ? field("Invalid reason", concept.invalid_reason) : undefined,
    ),
    el("h3", { class: "section-title" }, `Ancestors (${ancestors.length})`),
    ancestors.length === 0
      ? el("p", { class: "placeholder" }, "None: this concept is at the top of its hierarchy.")
      : list,
  )
}

/** A message for an error, safe to show: the SDK's errors never carry the key. */
export const describeError = (error: unknown) => {
  if (typeof error === "object" && error !== null && "_tag" in error && "message" in error) {
    return `${String(error._tag)}: ${String(error.message)}`
  }
  return error instanceof Error ? error.message : String(error)
}
