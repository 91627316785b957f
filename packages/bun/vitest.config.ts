import { defineProject } from "vitest/config"

// This package's tests run under `bun test` (its own runtime), not Vitest; the workspace-wide
// Vitest projects glob would otherwise pick them up and fail on runtime-only APIs.
export default defineProject({
  test: { name: "bun", include: [] },
})
