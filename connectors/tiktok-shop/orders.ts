/**
 * How the hub reads a TikTok shop's orders changed in a window (order sync and backfill): one page at a
 * time through the client's `listOrders` (order-list.ts, which cites the limits used here).
 */
import type { OrderListing } from '../types.js'
import {
  TIKTOK_ORDER_LIST_SETTLE_MS,
  TIKTOK_ORDER_RETENTION_MS,
  type ListsOrders,
} from './order-list.js'

export const tiktokShopOrders = {
  list: (client, window, page) => client.listOrders(window, page),
  retentionMs: TIKTOK_ORDER_RETENTION_MS,
  settleMs: TIKTOK_ORDER_LIST_SETTLE_MS,
} satisfies OrderListing<ListsOrders>
