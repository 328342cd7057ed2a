/**
 * The routes of the emulated Walmart Marketplace API: the subset the hub calls (channels.md §3
 * B1, connectors/walmart/client.ts), each behind the gateway's checks (admission.ts):
 *
 * - `POST /v3/token`: client credentials for an access token (auth.ts);
 * - `GET /v3/orders`: All orders, by modification time, in pages (order-list.ts);
 * - `GET /v3/orders/{purchaseOrderId}`: Get an order (orders.ts);
 * - `GET|PUT /v3/inventory` and `PUT /v3/inventories/{sku}`: stock at a ship node (stock.ts);
 * - `POST /v3/feeds?feedType=inventory`, `GET /v3/feeds/{feedId}`: bulk inventory feeds (feeds.ts);
 * - any other path: 404 `URI_NOT_FOUND` (admission.ts).
 */
import { Hono } from 'hono'
import type { ChannelState } from '../types.js'
import { unknownUri, walmartAdmission } from './admission.js'
import { IssuedTokens, TOKEN_TTL_SECONDS, tokenEndpoint } from './auth.js'
import { listOrders } from './order-list.js'
import { readOrder } from './orders.js'
import { walmartFeeds, type FeedTimings } from './feeds.js'
import { walmartStock } from './stock.js'

export interface WalmartApiOptions {
  /** `expires_in` of the access tokens issued (default Walmart's 900 s). */
  readonly tokenTtlSeconds?: number
  /** How long an inventory feed is received and processed on the marketplace clock (feeds.ts). */
  readonly feedTimings?: FeedTimings
}

export function walmartRoutes(state: ChannelState, opts: WalmartApiOptions = {}): Hono {
  const app = new Hono()
  const tokens = new IssuedTokens(opts.tokenTtlSeconds ?? TOKEN_TTL_SECONDS, () => state.now())
  const guard = walmartAdmission(state, (token) => tokens.valid(token))
  const token = tokenEndpoint(state, tokens)
  const stock = walmartStock(state)
  const feeds = walmartFeeds(state, stock.levelsAt, opts.feedTimings)
  // Feeds whose processing time has passed are processed before anything else is served.
  app.use('*', async (_c, next) => {
    feeds.settle()
    await next()
  })

  app.post('/v3/token', token.lockout, guard('POST /v3/token', { token: false }), token.issue)
  app.get('/v3/orders', guard('GET /v3/orders', { token: true }), (c) => listOrders(c, state))
  app.get(
    '/v3/orders/:purchaseOrderId',
    guard('GET /v3/orders/{purchaseOrderId}', { token: true }),
    (c) => readOrder(c, state),
  )
  app.get('/v3/inventory', guard('GET /v3/inventory', { token: true }), stock.read)
  app.put('/v3/inventory', guard('PUT /v3/inventory', { token: true }), stock.write)
  app.put(
    '/v3/inventories/:sku',
    guard('PUT /v3/inventories/{sku}', { token: true }),
    stock.writePerNode,
  )
  app.post('/v3/feeds', guard('POST /v3/feeds', { token: true }), feeds.submit)
  app.get('/v3/feeds/:feedId', guard('GET /v3/feeds/{feedId}', { token: true }), feeds.status)
  app.all('*', (c) => unknownUri(c, state))
  return app
}
