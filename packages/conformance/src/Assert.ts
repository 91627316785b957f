/**
 * A tiny assertion helper, so the scenarios need no test framework and run the same everywhere.
 *
 * @module
 */

export class ConformanceFailure extends Error {
  override readonly name = "ConformanceFailure"
}

const show = (value: unknown): string => {
  try {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    return String(value)
  }
}

export const check: (condition: boolean, message: string) => asserts condition = (condition, message) => {
  if (!condition) throw new ConformanceFailure(message)
}

export const equal = <A>(actual: A, expected: A, what: string): void => {
  if (!Object.is(actual, expected) && show(actual) !== show(expected)) {
    throw new ConformanceFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`)
  }
}

/** The value `promise` rejects with; fails when it resolves. */
export const rejection = async (promise: Promise<unknown>, what: string): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new ConformanceFailure(`${what}: expected a rejection, but the call succeeded`)
}
