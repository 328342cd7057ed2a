import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createRoute, z } from '@hono/zod-openapi'
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js'
import { openApiRoutes } from '../openapi-app.js'

/**
 * The docs page and what it loads come from this origin only: Swagger UI's script and styles are
 * served from the installed swagger-ui-dist package, so the page works offline. Styles may be
 * inline (Swagger UI sets `style` attributes) and images `data:` URIs (its icons).
 */
const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** What the page's own script does: point Swagger UI at the document, and at nothing else. */
const INIT_SCRIPT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Its default sends the document to validator.swagger.io for a badge.
    validatorUrl: null,
  })
})
`

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>marketplace-hub API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="stylesheet" href="/docs/assets/index.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`

/** The page's files, by name under `/docs/assets/`: swagger-ui-dist's own, and the script above. */
const ASSETS: Readonly<
  Record<string, { readonly type: string; readonly read: () => Promise<Uint8Array<ArrayBuffer>> }>
> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', read: packageFile('swagger-ui.css') },
  'index.css': { type: 'text/css; charset=utf-8', read: packageFile('index.css') },
  'swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    read: packageFile('swagger-ui-bundle.js'),
  },
  'favicon-32x32.png': { type: 'image/png', read: packageFile('favicon-32x32.png') },
  'init.js': {
    type: 'text/javascript; charset=utf-8',
    read: () => Promise.resolve(Buffer.from(INIT_SCRIPT)),
  },
}

/** A swagger-ui-dist file, read when first asked for and then kept (the bundle is 1.7 MB). */
function packageFile(name: string): () => Promise<Uint8Array<ArrayBuffer>> {
  let content: Promise<Uint8Array<ArrayBuffer>> | undefined
  return () => {
    content ??= readFile(join(getAbsoluteFSPath(), name)).catch((err: unknown) => {
      content = undefined
      throw err
    })
    return content
  }
}

const tags = ['Documentation']

const documentRoute = createRoute({
  method: 'get',
  operationId: 'getOpenApiDocument',
  path: '/openapi.json',
  tags,
  summary: 'This document',
  description: "OpenAPI 3.1, generated from the routes' own schemas. Public.",
  responses: {
    200: {
      description: 'The document.',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
})
const pageRoute = createRoute({
  method: 'get',
  operationId: 'getDocsPage',
  path: '/docs',
  tags,
  summary: 'The docs page',
  description:
    'Swagger UI for this document, served by the hub from its installed copy (no CDN). Public.',
  responses: {
    200: { description: 'The page.', content: { 'text/html': { schema: z.string() } } },
  },
})

/**
 * `GET /openapi.json` and `GET /docs`, public. `document` builds the description of the whole
 * app; it is built on the first request (every route is mounted by then) and kept.
 */
export function apiDocRoutes(document: () => object) {
  const app = openApiRoutes()
  let built: object | undefined
  app.openapi(documentRoute, (c) => c.json((built ??= document()), 200))
  app.openapi(pageRoute, (c) => {
    c.header('Content-Security-Policy', DOCS_POLICY)
    return c.html(PAGE)
  })
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/docs/assets/${name}`, async (c) => {
      c.header('Content-Security-Policy', DOCS_POLICY)
      c.header('Cache-Control', 'public, max-age=3600')
      return c.body(await asset.read(), 200, { 'Content-Type': asset.type })
    })
  }
  return app
}
