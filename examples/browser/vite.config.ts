import { defineConfig } from "vite"

// Only variables prefixed VITE_ would reach the bundle; the example defines none, and the server's
// OMOPHUB_API_KEY is never one of them.
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
})
