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
import { getOrder, getOrderItems } from './orders.js'
import type { AmazonSeller } from './seller.js'
import { getListingsItem, patchListingsItem } from './stock.js'

const LISTINGS_ITEM = '/listings/2021-08-01/items/:sellerId/:sku'

export interface AmazonApiSettings {
  readonly seller: AmazonSeller
  readonly plans: Readonly<Record<SpApiOperation, UsagePlan>>
  readonly orderItemsPerPage: number
}

export function amazonRoutes(state: ChannelState, settings: AmazonApiSettings): Hono {
  const { seller } = settings
  const tokens = accessTokens(state)
  const gate = spApiGate(state, tokens, settings.plans)
  const app = new Hono()
  app.post('/auth/o2/token', (c) => tokenEndpoint(c, state, seller, tokens))
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
  return app
}
