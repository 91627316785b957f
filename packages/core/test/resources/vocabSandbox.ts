// Helpers shared by the resource tests: a sandbox serving the Synthea subset as the default release
// and the built-in vocabulary as `2025.1`, and a way to capture a rejected call's error.
import { type Sandbox, start } from "@omophub/sandbox"
import { expect } from "vitest"
import { ValidationError } from "../../src/index.ts"
import { syntheaVocab } from "../pipeline/support.ts"

export const apiKey = "oh_resources_key_0001"
/** The release name under which the sandbox serves its built-in vocabulary (E11.9, richer links). */
export const builtinRelease = "2025.1"

export const startSandbox = (): Promise<Sandbox> =>
  start({
    keys: [apiKey],
    releases: [{ name: "2025.2", vocab: syntheaVocab }, { name: builtinRelease }],
    defaultRelease: "2025.2",
  })

/** The error a promise rejects with (fails the test when it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    const value = await promise
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
  } catch (error) {
    return error
  }
}

/** Asserts a ValidationError whose issue paths are exactly `paths` (in any order), and returns it. */
export const expectValidation = (error: unknown, paths: ReadonlyArray<string>): ValidationError => {
  expect(error).toBeInstanceOf(ValidationError)
  const validation = error as ValidationError
  expect(validation.issues.map((issue) => issue.path).sort()).toEqual([...paths].sort())
  return validation
}
