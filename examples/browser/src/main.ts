/**
 * Concept search: suggestions while you type (`search.autocomplete`, debounced, stale requests
 * aborted), then a concept's details (`concepts.get`) and its ancestors (`hierarchy.ancestors`).
 */
import type { OMOPHub } from "@omophub/browser"
import { connect, loadConfig } from "./client.ts"
import { typeahead } from "./typeahead.ts"
import { type ConceptRow, describeError, detailsCard, el, suggestionItem } from "./view.ts"

const byId = <E extends HTMLElement>(id: string) => document.getElementById(id) as E

const input = byId<HTMLInputElement>("query")
const list = byId<HTMLDivElement>("suggestions")
const status = byId<HTMLParagraphElement>("status")
const details = byId<HTMLElement>("details")
const source = byId<HTMLSpanElement>("source")

const setStatus = (text: string, kind: "info" | "error" = "info") => {
  status.textContent = text
  status.dataset.kind = kind
}

let rows: ReadonlyArray<ConceptRow> = []
let active = -1

const setExpanded = (open: boolean) => {
  input.setAttribute("aria-expanded", String(open))
  list.hidden = !open
}

const highlight = (index: number) => {
  const options = list.querySelectorAll<HTMLDivElement>("[role=option]")
  active = options.length === 0 ? -1 : (index + options.length) % options.length
  options.forEach((option, i) => {
    option.setAttribute("aria-selected", String(i === active))
  })
  const current = options[active]
  if (current === undefined) input.removeAttribute("aria-activedescendant")
  else {
    input.setAttribute("aria-activedescendant", current.id)
    current.scrollIntoView({ block: "nearest" })
  }
}

const showSuggestions = (query: string, found: ReadonlyArray<ConceptRow>) => {
  rows = found
  active = -1
  list.replaceChildren(...found.map((concept, index) => suggestionItem(concept, `option-${index}`)))
  setExpanded(found.length > 0)
  setStatus(
    found.length === 0
      ? `No concepts match “${query}”.`
      : `${found.length} suggestion${found.length === 1 ? "" : "s"} · ↑ ↓ to move, Enter to open`,
  )
}

const clearSuggestions = () => {
  rows = []
  list.replaceChildren()
  setExpanded(false)
  setStatus("")
}

let detailsRequest: AbortController | undefined

const showConcept = async (client: OMOPHub, conceptId: number) => {
  detailsRequest?.abort()
  const controller = new AbortController()
  detailsRequest = controller
  const { signal } = controller
  details.setAttribute("aria-busy", "true")
  try {
    const [concept, up] = await Promise.all([
      client.concepts.get(conceptId, { signal }),
      client.hierarchy.ancestors(conceptId, { pageSize: 50, signal }),
    ])
    details.replaceChildren(detailsCard(concept, up.ancestors, (id) => void showConcept(client, id)))
  } catch (error) {
    if (signal.aborted) return
    details.replaceChildren(
      el("p", { class: "error" }, `Could not load concept ${conceptId}: ${describeError(error)}`),
    )
  } finally {
    if (detailsRequest === controller) details.removeAttribute("aria-busy")
  }
}

const wire = (client: OMOPHub) => {
  const suggest = typeahead({
    search: async (query, signal) => {
      const result = await client.search.autocomplete(query, { pageSize: 10, signal })
      return result.suggestions.map((item) => item.suggestion)
    },
    onSearching: () => setStatus("Searching…"),
    onResults: showSuggestions,
    onError: (query, error) => {
      clearSuggestions()
      setStatus(`Search for “${query}” failed: ${describeError(error)}`, "error")
    },
    onClear: clearSuggestions,
  })

  const pick = (index: number) => {
    const concept = rows[index]
    if (concept === undefined) return
    input.value = concept.concept_name
    suggest.cancel()
    clearSuggestions()
    void showConcept(client, concept.concept_id)
  }

  input.addEventListener("input", () => suggest.update(input.value))
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (rows.length === 0) return
      event.preventDefault()
      setExpanded(true)
      highlight(active + (event.key === "ArrowDown" ? 1 : -1))
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault()
      pick(active)
    } else if (event.key === "Escape") {
      suggest.cancel()
      setExpanded(false)
    }
  })
  list.addEventListener("click", (event) => {
    const option = (event.target as Element).closest<HTMLDivElement>("[role=option]")
    if (option !== null) pick([...list.children].indexOf(option))
  })
  // Keep the focus in the input when an option is pressed.
  list.addEventListener("mousedown", (event) => event.preventDefault())
  input.disabled = false
  input.focus()
}

input.disabled = true
setExpanded(false)
try {
  const config = await loadConfig()
  source.textContent = config.description
  source.dataset.source = config.source
  wire(connect(config))
} catch (error) {
  source.textContent = "not connected"
  setStatus(`Could not load the page settings: ${describeError(error)}`, "error")
}
