import { defineConfig } from "vitest/config"

// One workspace config: each package and example defines its own project.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*"],
  },
})
