import { defineProject } from "vitest/config"

// One long, sequential suite: it packs, installs from the npm registry and starts real runtimes.
export default defineProject({
  test: {
    name: "pack-smoke",
    include: ["test/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
})
