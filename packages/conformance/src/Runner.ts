/**
 * Runs scenarios against a context: each starts from a reset sandbox (no faults, start-up keys,
 * empty request log) and reports its outcome instead of throwing, so any runtime can collect them.
 *
 * @module
 */
import type { ConformanceContext, Scenario } from "./scenarios.ts"

export interface ScenarioResult {
  readonly name: string
  readonly passed: boolean
  /** The failure's message (and stack, when there is one). */
  readonly error?: string | undefined
  readonly durationMs: number
}

/** Resets the sandbox, then runs the scenario; throws its failure (for test frameworks). */
export const runScenario = async (scenario: Scenario, context: ConformanceContext): Promise<void> => {
  await context.sandbox.reset()
  await scenario.run(context)
}

export const runScenarios = async (
  scenarios: ReadonlyArray<Scenario>,
  context: ConformanceContext,
): Promise<ScenarioResult[]> => {
  const results: ScenarioResult[] = []
  for (const scenario of scenarios) {
    const started = Date.now()
    try {
      await runScenario(scenario, context)
      results.push({ name: scenario.name, passed: true, durationMs: Date.now() - started })
    } catch (error) {
      const detail =
        error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
      results.push({ name: scenario.name, passed: false, error: detail, durationMs: Date.now() - started })
    }
  }
  return results
}
