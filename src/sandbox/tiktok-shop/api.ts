/**
 * The emulated TikTok Shop Open API: the calls the hub's client makes (connectors/tiktok-shop/
 * client.ts, order-list.ts and inventory.ts), each behind admission.ts's rate limit and checks;
 * the order reads are orders.ts, the order list order-list.ts, the stock calls stock.ts. Any other
 * path or method is refused as the Common errors page says
 * (https://partner.tiktokshop.com/docv2/page/678e3a45786253031531b942): 36009009 "Invalid path",
 * 36009010 "Invalid method". Their HTTP statuses are not documented; the emulator answers 404 and
 * 405.
 */
import { Hono } from 'hono'
import type { ChannelState } from '../types.js'
import { tiktokApiAnswers } from './admission.js'
import { searchOrders } from './order-list.js'
import { getOrders, searchReturns } from './orders.js'
import { searchInventory, updateInventory } from './stock.js'

export function tiktokShopRoutes(state: ChannelState): Hono {
  const { admit, refuse } = tiktokApiAnswers(state)
  const app = new Hono()

  app.get('/order/202309/orders', (c) =>
    admit(c, '/order/202309/orders', ({ query }) => getOrders(state, query.get('ids') ?? '')),
  )

  app.post('/order/202309/orders/search', (c) =>
    admit(c, '/order/202309/orders/search', (call) => searchOrders(state, call)),
  )

  app.post('/return_refund/202309/returns/search', (c) =>
    admit(c, '/return_refund/202309/returns/search', ({ query, json }) =>
      searchReturns(state, {
        pageSize: query.get('page_size'),
        pageToken: query.get('page_token'),
        filter: isObject(json) ? json : {},
      }),
    ),
  )

  app.post('/product/202309/products/:productId/inventory/update', (c) =>
    admit(c, '/product/202309/products/{product_id}/inventory/update', ({ json }) =>
      updateInventory(state, c.req.param('productId'), json),
    ),
  )

  app.post('/product/202309/inventory/search', (c) =>
    admit(c, '/product/202309/inventory/search', ({ json }) => searchInventory(state, json)),
  )

  // The endpoints above, as patterns, to tell a wrong method from a wrong path.
  const served = app.routes.map(({ path }) => new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`))
  app.all('*', (c) => {
    // The path as the API knows it, below the emulator's `/<channel>` mount.
    const path = c.req.path.replace(new RegExp(`^/${state.channel}(?=/)`), '')
    if (served.some((pattern) => pattern.test(path))) {
      const message = 'Invalid method. The HTTP method used is not supported by this endpoint.'
      return refuse(c, 36009010, message, 405)
    }
    const message = 'Invalid path. The specified path does not match any available endpoint.'
    return refuse(c, 36009009, message, 404)
  })

  return app
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
