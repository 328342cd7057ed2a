/**
 * The emulated Amazon's HTTP surface, mounted under `/amazon`: the Login with Amazon token
 * endpoint (the sandbox credentials' `lwaTokenUrl` is `<emulator>/amazon/auth/o2/token`) and the
 * SP-API operations the hub's client calls (connectors/amazon/client.ts), on the paths Amazon
 * serves them (the credentials' `apiBaseUrl` is `<emulator>/amazon`).
 */
import { Hono } from 'hono'
import type { ChannelState } from '../types.js'
import { accessTokens, tokenEndpoint } from './auth.js'
import { getListingsItem, patchListingsItem } from './stock.js'
import { getOrder, getOrderItems } from './orders.js'
import { spApiGate, type SpApiOperation, type UsagePlan } from './admission.js'

const LISTINGS_ITEM = '/listings/2021-08-01/items/:sellerId/:sku'

export function amazonRoutes(
  state: ChannelState,
  plans: Readonly<Record<SpApiOperation, UsagePlan>>,
): Hono {
  const tokens = accessTokens()
  const gate = spApiGate(state, tokens, plans)
  const app = new Hono()
  app.post('/auth/o2/token', (c) => tokenEndpoint(c, state, tokens))
  app.get(
    '/orders/v0/orders/:orderId',
    gate('getOrder', (c, reply) => getOrder(state, c.req.param('orderId') ?? '', reply)),
  )
  app.get(
    '/orders/v0/orders/:orderId/orderItems',
    gate('getOrderItems', (c, reply) => {
      // Items always fit one page here, so no NextToken is ever issued, and none is valid.
      if (c.req.query('NextToken') !== undefined) {
        return reply.refuse(400, [{ code: 'InvalidInput', message: 'Invalid NextToken' }])
      }
      return getOrderItems(state, c.req.param('orderId') ?? '', reply)
    }),
  )
  app.get(
    LISTINGS_ITEM,
    gate('getListingsItem', (c, reply) => getListingsItem(state, c, reply)),
  )
  app.patch(
    LISTINGS_ITEM,
    gate('patchListingsItem', (c, reply) => patchListingsItem(state, c, reply)),
  )
  return app
}
