// De-risks the API's description drifting from the API. The hub serves /openapi.json (public); it
// must be the checked-in schema/openapi.json (run `npm run schema:openapi` and review the diff),
// describe every route the app serves (bar the commented exclusions in
// src/http/openapi-document.ts) and no route it does not, and name the admin token exactly where
// it is asked for. The docs page is served by the hub itself, from swagger-ui-dist's files, under
// a policy that lets it load nothing from another origin.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/events/index.js'
import { OPENAPI_DOCUMENT_PATH, UNDOCUMENTED_ROUTES } from '../../src/http/openapi-document.js'
import { useTestHub } from '../helpers/hub.js'

const hub = useTestHub()

interface Operation {
  readonly operationId?: string
  readonly tags?: readonly string[]
  readonly security?: readonly Record<string, unknown>[]
  readonly parameters?: readonly { readonly name: string; readonly in: string }[]
  readonly requestBody?: { readonly content: Record<string, unknown> }
  readonly responses: Record<string, unknown>
}
interface Document {
  readonly openapi: string
  readonly tags: readonly { readonly name: string }[]
  readonly info: { readonly title: string; readonly version: string }
  readonly components: { readonly securitySchemes: Record<string, { readonly scheme: string }> }
  readonly paths: Record<string, Record<string, Operation>>
  readonly webhooks: Record<string, Record<string, Operation>>
}

async function served(): Promise<Document> {
  const res = await hub.app.request('/openapi.json')
  expect(res.status).toBe(200)
  return (await res.json()) as Document
}

/** `METHOD /path/:param`, as hono lists its routes. */
const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`

function documentedRoutes(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => routeKey(method, path.replace(/\{([^}]+)\}/g, ':$1'))),
  )
}

/** What the app routes, without middleware (registered with `use`: every method, a `*` path). */
function servedRoutes(): string[] {
  const routes = hub.app.routes
    .filter((r) => !(r.method === 'ALL' && r.path.endsWith('*')))
    .map((r) => routeKey(r.method, r.path))
  return [...new Set(routes)]
}

function excludedBy(entry: (typeof UNDOCUMENTED_ROUTES)[number], route: string): boolean {
  const [method, path] = route.split(' ') as [string, string]
  if (entry.method !== 'ALL' && entry.method !== method) return false
  if (!entry.path.endsWith('/*')) return path === entry.path
  const base = entry.path.slice(0, -2)
  return path === base || path.startsWith(`${base}/`)
}

const excluded = (route: string) => UNDOCUMENTED_ROUTES.some((e) => excludedBy(e, route))

describe('GET /openapi.json', () => {
  it('is public, and is the checked-in schema/openapi.json', async () => {
    const checkedIn: unknown = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8'))
    expect(await served(), 'run `npm run schema:openapi` and review the diff').toEqual(checkedIn)
  })

  it('is OpenAPI 3.1 of this package, with a bearer scheme for the admin token', async () => {
    const doc = await served()
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toMatchObject({ title: 'marketplace-hub', version: pkg.version })
    expect(doc.components.securitySchemes.adminToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    })
  })

  it('names each operation once, and tags it with a declared tag', async () => {
    const doc = await served()
    const operations = Object.values(doc.paths).flatMap((o) => Object.values(o))
    const ids = operations.map((o) => o.operationId)
    expect(ids.every((id) => typeof id === 'string')).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    const declared = doc.tags.map((t) => t.name)
    const webhooks = Object.values(doc.webhooks).flatMap((o) => Object.values(o))
    for (const operation of [...operations, ...webhooks])
      expect(declared).toEqual(expect.arrayContaining([...(operation.tags ?? [])]))
  })

  it('names the admin token on exactly the routes that refuse a request without it', async () => {
    const doc = await served()
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const admin = (operation.security ?? []).some((s) => 'adminToken' in s)
        // A path parameter's value never matters before authentication.
        const url = path.replace(/\{[^}]+\}/g, 'x')
        if (admin) {
          const res = await hub.app.request(url, { method: method.toUpperCase() })
          expect(res.status, `${method} ${path}`).toBe(401)
          expect(operation.responses['401'], `${method} ${path}`).toBeDefined()
        } else if (method === 'get') {
          // Only reads are tried: a public write (webhook intake) would act on the request.
          const res = await hub.app.request(url)
          expect(res.status, `${method} ${path}`).not.toBe(401)
        }
      }
    }
  })

  it('describes one webhook per event type, with the Standard Webhooks headers', async () => {
    const doc = await served()
    expect(Object.keys(doc.webhooks)).toEqual(EVENT_TYPES)
    for (const type of EVENT_TYPES) {
      const post = doc.webhooks[type]!.post!
      expect(post.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
        'header:webhook-id',
        'header:webhook-timestamp',
        'header:webhook-signature',
      ])
      expect(post.requestBody?.content).toEqual({
        'application/cloudevents+json': { schema: { $ref: `#/components/schemas/${type}` } },
      })
      expect(Object.keys(post.responses).sort()).toEqual(['2XX', '410', 'default'])
    }
  })
})

describe('the document against the routes', () => {
  it('describes every route the app serves, but the listed exclusions', async () => {
    const documented = new Set(documentedRoutes(await served()))
    const missing = servedRoutes().filter((r) => !documented.has(r) && !excluded(r))
    expect(missing, 'declare them with createRoute, or list them with the reason').toEqual([])
  })

  it('describes no route the app does not serve, and no excluded one', async () => {
    const routed = new Set(servedRoutes())
    const documented = documentedRoutes(await served())
    expect(documented.filter((r) => !routed.has(r))).toEqual([])
    expect(documented.filter(excluded), 'documented now: drop it from the exclusions').toEqual([])
  })

  it('lists no exclusion that matches nothing the app serves', () => {
    const routes = servedRoutes()
    const stale = UNDOCUMENTED_ROUTES.filter((e) => !routes.some((r) => excludedBy(e, r)))
    expect(stale).toEqual([])
  })

  it('would see an undocumented route', () => {
    expect(excluded('POST /v1/subscriptions')).toBe(false)
    expect(excluded('GET /admin/queues/api/queues')).toBe(true)
    expect(excluded('GET /admin/queuesque')).toBe(false)
  })
})

describe('GET /docs', () => {
  it('is Swagger UI served by the hub itself, pointed at /openapi.json', async () => {
    const page = await hub.app.request('/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<div id="swagger-ui">')
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(files.length).toBeGreaterThanOrEqual(4)
    // Every file from this hub: nothing from a CDN, so the page works offline.
    for (const file of files) {
      expect(file).toMatch(/^\/docs\/assets\//)
      const res = await hub.app.request(file)
      expect(res.status, file).toBe(200)
      expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(0)
    }
    const bundle = await hub.app.request('/docs/assets/swagger-ui-bundle.js')
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await bundle.text()).toContain('SwaggerUIBundle')
    expect(await (await hub.app.request('/docs/assets/init.js')).text()).toContain(
      "url: '/openapi.json'",
    )
  })

  it('lets the page load and connect to nothing but this origin', async () => {
    const page = await hub.app.request('/docs')
    const policy = Object.fromEntries(
      (page.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...sources]) => [name!, sources]),
    )
    expect(policy['default-src']).toEqual(["'none'"])
    for (const directive of ['script-src', 'style-src', 'img-src', 'connect-src']) {
      for (const source of policy[directive] ?? [])
        expect(source, directive).toMatch(/^('self'|'unsafe-inline'|data:)$/)
    }
    expect(policy['script-src']).toEqual(["'self'"])
    expect(policy['frame-ancestors']).toEqual(["'none'"])
  })

  it('is public, and answers 404 for a file it does not serve', async () => {
    expect((await hub.app.request('/docs/assets/swagger-ui.js.map')).status).toBe(404)
    expect((await hub.app.request('/docs/assets/../../package.json')).status).toBe(404)
  })
})
