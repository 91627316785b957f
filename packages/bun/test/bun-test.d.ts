// The few `bun:test` declarations these tests use (the repository does not install @types/bun).
declare module "bun:test" {
  interface Matchers {
    toBe(expected: unknown): void
    toEqual(expected: unknown): void
    toMatchObject(expected: object): void
    toContain(expected: string): void
    toBeLessThan(expected: number): void
    readonly not: Matchers
  }
  export function expect(actual: unknown): Matchers
  export function test(name: string, body: () => unknown, timeoutMillis?: number): void
  export namespace test {
    function skipIf(condition: boolean): (name: string, body: () => unknown, timeoutMillis?: number) => void
  }
  export function describe(name: string, body: () => void): void
  export function afterEach(body: () => unknown): void
}
