export { HISTORY_KINDS, type HistoryEntry, type HistoryKind } from './entries.js'
export type { ListingExplanation, OnHandSource, ReservingOrder } from './explain-summary.js'
export { orderHistory, type OrderHistory, type OrderKey } from './order-history.js'
export {
  skuHistory,
  skuHistoryWithSeries,
  HISTORY_SINCE_MS,
  type HistoryWindow,
  type SkuHistory,
  type SkuHistoryDeps,
} from './sku-history.js'
export type { QuantityAt, SkuSeries } from './sku-series.js'
