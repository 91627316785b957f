/**
 * The example's backend: one HTTP server that serves the page (the Vite dev server, or a production
 * build from `dist/`), `GET /config` (the API base URL and a description of the data source) and
 * `POST /token` (a short-lived token for the page's `fromCallback` provider). The server-side key
 * stays in this process.
 */
import { readFile, stat } from "node:fs/promises"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, join, normalize, resolve, sep } from "node:path"
import type { ViteDevServer } from "vite"
import { type Backend, type BackendOptions, startBackend } from "./backend.ts"

export const appRoot = resolve(import.meta.dirname, "..")

export interface AppServerOptions {
  readonly backend: BackendOptions
  /** `dev`: the Vite dev server (hot reload); `dist`: the production build in `distDir`. */
  readonly mode: "dev" | "dist"
  /** Default: `dist/` of this example (what `vite build` writes). */
  readonly distDir?: string | undefined
  /** Default 5173; 0 picks a free port. */
  readonly port?: number | undefined
  readonly host?: string | undefined
}

export interface AppServer {
  /** The page's URL, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string
  readonly backend: Backend
  readonly close: () => Promise<void>
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
}

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
  response.end(JSON.stringify(body))
}

/**
 * Only pages from this origin may ask for a token: browsers send Sec-Fetch-Site on every fetch, and
 * an Origin header (sent on every cross-origin POST) must name this server's own host.
 */
const isSameOrigin = (request: IncomingMessage) => {
  const site = request.headers["sec-fetch-site"]
  if (site !== undefined && site !== "same-origin") return false
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}

/** Answers `/config` and `/token`; returns false for every other path. */
const handleApi = (backend: Backend, request: IncomingMessage, response: ServerResponse): boolean => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname
  if (path === "/config") {
    if (request.method !== "GET") sendJson(response, 405, { error: "use GET" })
    else sendJson(response, 200, backend.config)
    return true
  }
  if (path === "/token") {
    // In a real app this is where the user's session is checked before a token is issued.
    if (request.method !== "POST") sendJson(response, 405, { error: "use POST" })
    else if (!isSameOrigin(request)) sendJson(response, 403, { error: "same-origin requests only" })
    else sendJson(response, 200, backend.issueToken())
    return true
  }
  return false
}

/** Serves the files of a production build; unknown paths get index.html (one-page app). */
const staticFiles = (distDir: string, apiOrigin: string) => {
  const root = resolve(distDir)
  // The built page loads only its own scripts and styles and talks only to this server and the API.
  const policy = [
    "default-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ")
  return async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405).end()
      return
    }
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname)
    let file = normalize(join(root, path))
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(404).end()
      return
    }
    const info = await stat(file).catch(() => undefined)
    if (info === undefined || info.isDirectory()) file = join(root, "index.html")
    const body = await readFile(file).catch(() => undefined)
    if (body === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not built yet: run `pnpm build`.")
      return
    }
    response.writeHead(200, {
      "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
      "cache-control": file.includes(`${sep}assets${sep}`)
        ? "public, max-age=31536000, immutable"
        : "no-cache",
      "content-security-policy": policy,
      "x-content-type-options": "nosniff",
    })
    response.end(request.method === "HEAD" ? undefined : body)
  }
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((done, fail) => {
    server.once("error", fail)
    server.listen(port, host, () => {
      server.off("error", fail)
      done()
    })
  })

export const startAppServer = async (options: AppServerOptions): Promise<AppServer> => {
  const backend = await startBackend(options.backend)
  const host = options.host ?? "127.0.0.1"
  let vite: ViteDevServer | undefined
  let serveApp: (request: IncomingMessage, response: ServerResponse) => void = () => {}
  const server = createServer((request, response) => {
    if (handleApi(backend, request, response)) return
    serveApp(request, response)
  })
  try {
    if (options.mode === "dev") {
      const { createServer: createViteServer } = await import("vite")
      vite = await createViteServer({
        root: appRoot,
        configFile: join(appRoot, "vite.config.ts"),
        appType: "spa",
        logLevel: "warn",
        server: { middlewareMode: { server }, hmr: { server } },
      })
      const middlewares = vite.middlewares
      serveApp = (request, response) => middlewares(request, response)
    } else {
      const files = staticFiles(
        options.distDir ?? join(appRoot, "dist"),
        new URL(backend.config.apiUrl).origin,
      )
      serveApp = (request, response) => {
        files(request, response).catch(() => {
          if (!response.headersSent) response.writeHead(500)
          response.end()
        })
      }
    }
    await listen(server, options.port ?? 5173, host)
  } catch (error) {
    await vite?.close()
    await backend.close()
    throw error
  }
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    backend,
    close: () => {
      closing ??= (async () => {
        await vite?.close()
        server.closeAllConnections()
        await new Promise<void>((done) => server.close(() => done()))
        await backend.close()
      })()
      return closing
    },
  }
}
