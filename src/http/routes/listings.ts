import { Hono } from 'hono'
import { z } from 'zod'
import { listListings } from '../../db/repos/listings.js'
import { ChannelId } from '../../events/index.js'
import { ListingRow } from '../../inventory/listing-input.js'
import { putListings, type InventoryCommandDeps } from '../../pipeline/inventory-commands.js'
import { reconcileAll, type ReconcileDeps } from '../../pipeline/reconcile.js'
import type { AppEnv } from '../env.js'
import { listingView } from './inventory.js'
import { badRequest, parseJsonRequest } from './request-body.js'

const PutListings = z.object({ listings: z.array(ListingRow).min(1).max(10_000) }).strict()
const Reconcile = z
  .object({
    sku: z.string().min(1).optional(),
    channel: ChannelId.optional(),
    account: z.string().min(1).optional(),
  })
  .strict()

/** Listings: which channel unit each SKU is offered as, and with what policy. */
export function listingRoutes(deps: InventoryCommandDeps) {
  const app = new Hono<AppEnv>()
  app.put('/', async (c) => {
    const input = await parseJsonRequest(c, PutListings)
    const result = await putListings(deps, input.listings)
    c.set('auditDetails', { listings: input.listings.length, ok: result.ok })
    if (!result.ok) throw badRequest(result.problems)
    return c.json({ ids: result.ids })
  })
  app.get('/', async (c) => {
    const sku = c.req.query('sku')
    const listings = await listListings(deps.db, sku ? { sku } : {})
    return c.json({ listings: listings.map(listingView) })
  })
  return app
}

/**
 * `POST /v1/admin/reconcile`: reads every matching listing back from its channel, in the
 * background; answers how many were queued and which were skipped, with the reason.
 */
export function reconcileRoutes(deps: ReconcileDeps) {
  const app = new Hono<AppEnv>()
  app.post('/', async (c) => {
    const text = await c.req.text()
    const input = text.trim() === '' ? {} : await parseJsonRequest(c, Reconcile)
    const filter = { sku: input.sku, channel: input.channel, accountId: input.account }
    const { queued, skipped } = await reconcileAll(deps, filter)
    c.set('auditDetails', { filter: input, queued, skipped: skipped.length })
    return c.json({ queued, skippedListings: skipped }, 202)
  })
  return app
}
