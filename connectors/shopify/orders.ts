/**
 * How the hub reads a store's orders changed in a window (order sync and backfill): one page at a
 * time through the client's `listOrders` (order-list.ts), each order the REST Order that
 * `orders/updated` carries, so the normalizer maps it as it maps that webhook.
 */
import type { OrderListing } from '../types.js'
import type { ShopifyClient } from './client.js'

const DAY_MS = 86_400_000

export const shopifyOrders = {
  list: (client, window, page) => client.listOrders(window, page),
  /**
   * An app sees the orders created in the last 60 days unless Shopify granted it the
   * `read_all_orders` scope ("All relevant orders rather than the default window of orders
   * created within the last 60 days", https://shopify.dev/docs/api/usage/access-scopes; also the
   * Order object's note, https://shopify.dev/docs/api/admin-graphql/latest/objects/Order). The
   * hub assumes the scope is not granted.
   */
  retentionMs: 60 * DAY_MS,
  /**
   * Shopify documents no delay between an order's change and its appearance in the order list
   * (unconfirmed); one minute is our margin, which the sync's overlap adds to.
   */
  settleMs: 60_000,
} satisfies OrderListing<ShopifyClient>
