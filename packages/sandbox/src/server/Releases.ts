/**
 * The releases a sandbox serves side by side, and how a request picks one: `vocab_release` query
 * parameter first, then the three header spellings clients use in the wild.
 */
import { loadAthenaRelease } from "../data/AthenaLoader.ts"
import { builtinRelease } from "../data/Builtin.ts"
import type { VocabularyRelease } from "../data/Release.ts"
import { ApiFailure } from "../http/Envelope.ts"

/** The release name the sandbox serves (and defaults to) when none is configured. */
export const DEFAULT_RELEASE_NAME = "2025.2"

/** A release to serve: an Athena directory, the built-in vocabulary (no `vocab`), or a loaded release. */
export interface ReleaseSource {
  readonly name: string
  /** Directory holding CONCEPT.csv etc. Omit for the built-in vocabulary. */
  readonly vocab?: string
  /** An already loaded release (wins over `vocab`). */
  readonly release?: VocabularyRelease
}

export const RELEASE_HEADERS = ["x-vocab-release", "x-vocab-version", "x-vocabulary-version"] as const

const ALIASES_OF_DEFAULT = new Set(["latest", "default", "current"])

/**
 * Loads every source in parallel: Athena directories with `loadAthenaRelease`, sources without
 * `vocab` as the built-in vocabulary, already loaded releases as they are. Rejects when a directory
 * cannot be read or parsed. Pass the result to `createApp`.
 */
export const loadReleases = (sources: readonly ReleaseSource[]): Promise<VocabularyRelease[]> =>
  Promise.all(
    sources.map(async (source) => {
      if (source.release !== undefined) return source.release
      if (source.vocab !== undefined) return loadAthenaRelease(source.vocab, source.name)
      return builtinRelease(source.name)
    }),
  )

/**
 * The releases one sandbox serves, by name, and how a request picks one (`SandboxApp.releases`):
 * a name, the short form `2025v2`, or `latest` / `default` / `current` for the default release.
 */
export class ReleaseRegistry {
  readonly #byName = new Map<string, VocabularyRelease>()
  /** Served when a request names no release. */
  readonly defaultRelease: VocabularyRelease

  /** Throws `RangeError` for no releases, a duplicate name or an unknown `defaultName`. */
  constructor(releases: readonly VocabularyRelease[], defaultName?: string) {
    if (releases.length === 0) throw new RangeError("A sandbox needs at least one release")
    for (const release of releases) {
      if (this.#byName.has(release.name)) throw new RangeError(`Release ${release.name} is listed twice`)
      this.#byName.set(release.name, release)
    }
    const chosen =
      defaultName === undefined
        ? (this.#byName.get(DEFAULT_RELEASE_NAME) ?? releases[0]!)
        : this.#byName.get(defaultName)
    if (chosen === undefined) {
      throw new RangeError(`Default release ${defaultName} is not among: ${this.names().join(", ")}`)
    }
    this.defaultRelease = chosen
  }

  /** The release names, in the order given. */
  names(): string[] {
    return [...this.#byName.keys()]
  }

  /**
   * Resolves a requested name or alias; `undefined` means "the default". An unknown name throws the
   * sandbox's 400 `version_not_supported` failure, listing the available releases.
   */
  resolve(requested: string | undefined): VocabularyRelease {
    if (requested === undefined || requested.trim() === "") return this.defaultRelease
    const wanted = requested.trim()
    const lower = wanted.toLowerCase()
    if (ALIASES_OF_DEFAULT.has(lower)) return this.defaultRelease
    const shortForm = /^(\d{4})v(\d+)$/.exec(lower)
    const name = shortForm === null ? wanted : `${shortForm[1]}.${shortForm[2]}`
    const release = this.#byName.get(name)
    if (release !== undefined) return release
    throw new ApiFailure(400, "version_not_supported", `Vocabulary release '${wanted}' is not available`, {
      requested: wanted,
      available_releases: this.names(),
      default_release: this.defaultRelease.name,
    })
  }
}
