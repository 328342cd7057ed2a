/**
 * How the hub reads an Amazon seller's orders changed in a window (order sync and backfill): one page at a
 * time through the client's `listOrders` (order-list.ts, which cites the limits used here).
 */
import type { OrderListing } from '../types.js'
import {
  AMAZON_ORDER_LIST_SETTLE_MS,
  AMAZON_ORDER_RETENTION_MS,
  type ListsOrders,
} from './order-list.js'

export const amazonOrders = {
  list: (client, window, page) => client.listOrders(window, page),
  retentionMs: AMAZON_ORDER_RETENTION_MS,
  settleMs: AMAZON_ORDER_LIST_SETTLE_MS,
  minSettleMs: (credentials) =>
    (credentials as { orderListSettleMs?: number }).orderListSettleMs ??
    AMAZON_ORDER_LIST_SETTLE_MS,
} satisfies OrderListing<ListsOrders>
