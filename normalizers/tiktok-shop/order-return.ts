/**
 * A fetched return (Search Returns, `data.return_orders[]`) → OrderReturned data, for the
 * `order-return` observation of a completed RETURN_STATUS_CHANGE (order-webhooks.ts).
 *
 * Return lines name the order's line item (`order_line_item_id`); where one does not, its own
 * return line id stands in. Each is one unit. `restock` is false: TikTok does not say whether
 * returned units are resellable (the seller inspects them), so the hub does not assume it.
 * `refunded` is the return's `refund_total` (null when absent).
 */
import type { TikTokReturn } from '../../connectors/tiktok-shop/index.js'
import type { OrderReturned } from '../../src/events/index.js'
import { minorAt, text, type Path } from './shared.js'

export function toReturnData(ret: TikTokReturn, at: Path): OrderReturned['data'] {
  const refund = ret.refund_amount
  return {
    externalOrderId: ret.order_id,
    returnId: ret.return_id,
    lines: ret.return_line_items.map((line) => ({
      externalLineId: line.order_line_item_id ?? line.return_line_item_id,
      sku: text(line.seller_sku),
      quantity: 1,
      restock: false,
    })),
    refunded:
      refund?.refund_total === undefined
        ? null
        : {
            amountMinor: minorAt(refund.refund_total, refund.currency, [
              ...at,
              'refund_amount',
              'refund_total',
            ]),
            currency: refund.currency,
          },
    note: null,
  }
}
