import { fileURLToPath } from 'node:url'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { packageVersion } from '../config/package-version.js'
import { ADMIN_SECURITY } from './admin-route.js'
import { registerEventWebhooks } from './event-webhooks.js'
import { WEBHOOK_CLIENT_SECURITY } from './routes/webhooks.js'

/**
 * Where the served document is checked in, for review as a diff: `npm run schema:openapi` writes
 * it, test/integration/openapi-document.test.ts fails when it differs from what the hub serves.
 */
export const OPENAPI_DOCUMENT_PATH = fileURLToPath(
  new URL('../../schema/openapi.json', import.meta.url),
)

/**
 * Routes the app serves that `/openapi.json` leaves out on purpose, each with the reason. A path
 * ending in `/*` covers it and everything below it, as in hono. test/integration/openapi-document.test.ts fails for any
 * other route the document does not describe, and for any documented one the app does not serve.
 */
export const UNDOCUMENTED_ROUTES: readonly {
  readonly method: string
  readonly path: string
  readonly why: string
}[] = [
  {
    method: 'ALL',
    path: '/admin/queues/*',
    why: "Bull Board: a mounted third-party UI (pages, assets and its own API) for operators' browsers, not part of the hub's API.",
  },
  {
    method: 'ALL',
    path: '/admin/reconcile',
    why: 'The old path of POST /v1/admin/reconcile, answered 308 to it (any method) for one version.',
  },
  {
    method: 'ALL',
    path: '/console/*',
    why: 'The operator\'s console: HTML pages, their fragments, assets and forms for a browser (docs/operations.md, "Console"); every action there calls what the documented admin routes call.',
  },
  {
    method: 'GET',
    path: '/docs/assets/*',
    why: "The docs page's own files (Swagger UI's script and styles).",
  },
]

const TAGS = [
  { name: 'Subscriptions', description: 'Where events are pushed, and what was sent.' },
  { name: 'Events', description: 'The event feed, and the events POSTed to subscribers.' },
  { name: 'Consumers', description: 'Named readers of the feed whose position the hub keeps.' },
  { name: 'Inventory', description: 'The stock ledger (docs/inventory.md).' },
  { name: 'Listings', description: 'Which channel unit each SKU is offered as.' },
  { name: 'Onboarding', description: "An account's stock onboarding (docs/inventory.md)." },
  { name: 'Order sync', description: 'Order completeness and backfills (docs/completeness.md).' },
  { name: 'Admin', description: 'Stored webhooks, replays and the audit log.' },
  {
    name: 'Lineage',
    description: 'What happened to an order or a SKU, and why a listing offers what it does.',
  },
  { name: 'Webhook intake', description: "Marketplaces' webhooks to the hub." },
  { name: 'Operations', description: 'Health, readiness and metrics.' },
  { name: 'Documentation', description: 'This document and its docs page.' },
]

/**
 * What the document holds beside the routes: the security schemes the routes name, and one
 * `webhooks` entry per event type.
 */
function describeApi(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.registerComponent('securitySchemes', ADMIN_SECURITY, {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token (ADMIN_TOKEN), as `Authorization: Bearer <token>`.',
  })
  registry.registerComponent('securitySchemes', WEBHOOK_CLIENT_SECURITY, {
    type: 'http',
    scheme: 'basic',
    description: "An OAuth client's id and secret (RFC 6749 §2.3.1), from the accounts file.",
  })
  registerEventWebhooks(registry)
}

/**
 * The OpenAPI 3.1 document of everything `app` routes and describes. Built once per app, on the
 * first request for it (`apiDocRoutes` keeps it), so start-up does not pay for the events'
 * schemas: it registers what lies beside the routes, which a second call would register again.
 */
export function openApiDocument(
  app: Pick<OpenAPIHono, 'getOpenAPI31Document' | 'openAPIRegistry'>,
) {
  describeApi(app.openAPIRegistry)
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'marketplace-hub',
      version: packageVersion(),
      description:
        'Receives marketplace order and inventory webhooks, normalizes them into one event model, and delivers them to your systems. Errors are JSON: `{ "error": "…" }`, and for invalid input `{ "error": "invalid request", "problems": ["<where>.<field>: <why>"] }`.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    // Relative: the hub that serves the document (https://spec.openapis.org/oas/v3.1.0#server-object).
    servers: [{ url: '/', description: 'This hub.' }],
    tags: TAGS,
  })
}
