import { z } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import { listListings } from '../../db/repos/listings.js'
import { ChannelId } from '../../events/index.js'
import { ListingRow } from '../../inventory/listing-input.js'
import { putListings, type InventoryCommandDeps } from '../../pipeline/inventory-commands.js'
import { reconcileAll, type ReconcileDeps } from '../../pipeline/reconcile.js'
import { adminRoute } from '../admin-route.js'
import { json } from '../api-schemas.js'
import type { AppEnv } from '../env.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { ListingView, listingView } from './inventory.js'
import { badRequest } from './request-body.js'

const PutListings = z.object({ listings: z.array(ListingRow).min(1).max(10_000) }).strict()
const Reconcile = z
  .object({
    sku: z.string().min(1).optional(),
    channel: ChannelId.optional(),
    account: z.string().min(1).optional(),
  })
  .strict()

const putRoute = adminRoute({
  method: 'put',
  operationId: 'putListings',
  path: '/',
  tags: ['Listings'],
  summary: 'Create or update listings',
  description:
    'Which channel unit each SKU is offered as, and with what policy (docs/inventory.md, "Listings"). All or nothing: any problem is a 400 naming its row.',
  request: { body: { required: true, content: { 'application/json': { schema: PutListings } } } },
  responses: { 200: json('Stored; their ids, in order.', z.object({ ids: z.array(z.string()) })) },
})
const listRoute = adminRoute({
  method: 'get',
  operationId: 'listListings',
  path: '/',
  tags: ['Listings'],
  summary: 'List listings',
  request: { query: z.object({ sku: z.string().optional() }) },
  responses: {
    200: json('Listings, of one SKU if given.', z.object({ listings: z.array(ListingView) })),
  },
})

/** Listings: which channel unit each SKU is offered as, and with what policy. */
export function listingRoutes(deps: InventoryCommandDeps) {
  const app = openApiRoutes()
  app.openapi(putRoute, async (c) => {
    const input = c.req.valid('json')
    const result = await putListings(deps, input.listings)
    c.set('auditDetails', { listings: input.listings.length, ok: result.ok })
    if (!result.ok) throw badRequest(result.problems)
    return jsonAnswers(putRoute)(c, { ids: result.ids }, 200)
  })
  app.openapi(listRoute, async (c) => {
    const { sku } = c.req.valid('query')
    const listings = await listListings(deps.db, sku ? { sku } : {})
    return jsonAnswers(listRoute)(c, { listings: listings.map(listingView) }, 200)
  })
  return app
}

/**
 * An empty body means "every listing", as `{}` does, so a bare `POST` works with a JSON content
 * type too. The JSON validator parses the request's cached text (hono's `c.req.json()`); the
 * audit log has already read the body as sent.
 */
const emptyBodyIsEverything = createMiddleware<AppEnv>(async (c, next) => {
  // hono keeps each read's promise in `bodyCache`; its type names the values.
  if ((await c.req.text()).trim() === '')
    c.req.bodyCache.text = Promise.resolve('{}') as unknown as string
  await next()
})

const reconcileRoute = adminRoute({
  method: 'post',
  operationId: 'reconcileListings',
  path: '/',
  tags: ['Listings'],
  summary: 'Read listings back from their channels',
  description:
    'Reconciliation, in the background, of every listing matching the filter (no body: every listing).',
  middleware: [emptyBodyIsEverything],
  request: { body: { content: { 'application/json': { schema: Reconcile } } } },
  responses: {
    202: json(
      'Queued; the listings skipped, with the reason.',
      z.object({
        queued: z.number().int(),
        skippedListings: z.array(
          z.object({
            listingId: z.string(),
            channel: z.string(),
            account: z.string(),
            sku: z.string(),
            reason: z.enum(['pushed-recently', 'account-not-configured']),
            until: z.string().optional().openapi({
              description: 'For `pushed-recently`: when the listing can be checked.',
            }),
          }),
        ),
      }),
    ),
  },
})

/**
 * `POST /v1/admin/reconcile`: reads every matching listing back from its channel, in the
 * background; answers how many were queued and which were skipped, with the reason.
 */
export function reconcileRoutes(deps: ReconcileDeps) {
  const app = openApiRoutes()
  app.openapi(reconcileRoute, async (c) => {
    const input = c.req.valid('json')
    const filter = { sku: input.sku, channel: input.channel, accountId: input.account }
    const { queued, skipped } = await reconcileAll(deps, filter)
    c.set('auditDetails', { filter: input, queued, skipped: skipped.length })
    return jsonAnswers(reconcileRoute)(c, { queued, skippedListings: skipped }, 202)
  })
  return app
}
