/**
 * The emulated Amazon's HTTP surface, mounted under `/amazon`: the Login with Amazon token
 * endpoint (the sandbox credentials' `lwaTokenUrl` is `<emulator>/amazon/auth/o2/token`) and the
 * SP-API operations the hub's client calls (connectors/amazon/client.ts), on the paths Amazon
 * serves them (the credentials' `apiBaseUrl` is `<emulator>/amazon`).
 */
import { Hono } from 'hono'
import type { ChannelState } from '../types.js'
import { spApiGate, type SpApiOperation, type UsagePlan } from './admission.js'
import { accessTokens, tokenEndpoint } from './auth.js'
import { amazonFeeds, type FeedTimings } from './feeds.js'
import { getOrders } from './order-list.js'
import { getOrder, getOrderItems } from './orders.js'
import type { AmazonSeller } from './seller.js'
import { getListingsItem, patchListingsItem } from './stock.js'

const LISTINGS_ITEM = '/listings/2021-08-01/items/:sellerId/:sku'

export interface AmazonApiSettings {
  readonly seller: AmazonSeller
  readonly plans: Readonly<Record<SpApiOperation, UsagePlan>>
  readonly orderItemsPerPage: number
  readonly feedTimings?: FeedTimings
}

const FEEDS = '/feeds/2021-06-30'

export function amazonRoutes(state: ChannelState, settings: AmazonApiSettings): Hono {
  const { seller } = settings
  const tokens = accessTokens(state)
  const gate = spApiGate(state, tokens, settings.plans)
  const feeds = amazonFeeds(state, seller, settings.feedTimings)
  const app = new Hono()
  // Feeds whose processing time has passed are processed before anything else is served.
  app.use('*', async (_c, next) => {
    feeds.settle()
    await next()
  })
  app.post('/auth/o2/token', (c) => tokenEndpoint(c, state, seller, tokens))
  app.get(
    '/orders/v0/orders',
    gate('getOrders', (c, reply) => getOrders(state, c, reply)),
  )
  app.get(
    '/orders/v0/orders/:orderId',
    gate('getOrder', (c, reply) => getOrder(state, c.req.param('orderId') ?? '', reply)),
  )
  app.get(
    '/orders/v0/orders/:orderId/orderItems',
    gate('getOrderItems', (c, reply) =>
      getOrderItems(
        state,
        c.req.param('orderId') ?? '',
        c.req.query('NextToken'),
        settings.orderItemsPerPage,
        reply,
      ),
    ),
  )
  app.get(
    LISTINGS_ITEM,
    gate('getListingsItem', (c, reply) => getListingsItem(state, seller, c, reply)),
  )
  app.patch(
    LISTINGS_ITEM,
    gate('patchListingsItem', (c, reply) => patchListingsItem(state, seller, c, reply)),
  )
  app.post(`${FEEDS}/documents`, gate('createFeedDocument', feeds.createFeedDocument))
  app.get(`${FEEDS}/documents/:feedDocumentId`, gate('getFeedDocument', feeds.getFeedDocument))
  app.post(`${FEEDS}/feeds`, gate('createFeed', feeds.createFeed))
  app.get(`${FEEDS}/feeds/:feedId`, gate('getFeed', feeds.getFeed))
  app.on(['GET', 'PUT'], '/feed-documents/:id', feeds.document)
  return app
}
