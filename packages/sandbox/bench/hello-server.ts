/** The throughput ceiling: a bare Hono route served exactly like the sandbox (Node, @hono/node-server). */
import { serve } from "@hono/node-server"
import { Hono } from "hono"

const app = new Hono()
app.get("/hello", (c) => c.json({ success: true, data: { hello: "world" } }))
serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`http://127.0.0.1:${info.port}\n`)
})
process.once("SIGTERM", () => process.exit(0))
