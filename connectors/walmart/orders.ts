/**
 * How the hub reads a seller's purchase orders changed in a window (order sync and backfill): one
 * page at a time through the client's `listOrders` (order-list.ts), each order the `order` object
 * Get an order answers, so the normalizer maps it as it maps a hydrated webhook.
 */
import type { OrderListing } from '../types.js'
import type { WalmartClient } from './client.js'
import { CREATED_DAYS_BACK } from './order-list.js'

const DAY_MS = 86_400_000

export const walmartOrders = {
  list: (client, window, page) => client.listOrders(window, page),
  /**
   * Walmart lists orders created in the last 180 days ("Only orders from the last 180 days are
   * available", https://developer.walmart.com/us-marketplace/docs/get-all-orders); the client asks
   * from a day inside that (order-list.ts), which is as far back as the list reaches.
   */
  retentionMs: CREATED_DAYS_BACK * DAY_MS,
  /**
   * Walmart documents no delay between a change and its appearance in the order list
   * (unconfirmed). A PO_CREATED can reach the hub before Get an order knows the order (client.ts),
   * so reads lag writes; five minutes is our margin, which the sync's overlap adds to.
   */
  settleMs: 5 * 60_000,
} satisfies OrderListing<WalmartClient>
