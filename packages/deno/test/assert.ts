// Minimal assertions (the Deno standard library lives on JSR, which this build cannot reach).

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null

export const deepEqual = (actual: unknown, expected: unknown): boolean => {
  if (Object.is(actual, expected)) return true
  if (!isRecord(actual) || !isRecord(expected)) return false
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)])
  return [...keys].every((key) => deepEqual(actual[key], expected[key]))
}

export const assertEquals = (actual: unknown, expected: unknown, message = ""): void => {
  if (!deepEqual(actual, expected)) {
    throw new Error(`${message}\nexpected: ${JSON.stringify(expected)}\n  actual: ${JSON.stringify(actual)}`)
  }
}

export const assert = (condition: boolean, message: string): void => {
  if (!condition) throw new Error(message)
}
