/**
 * `refunds/create` (the refund resource) → one `order-return` observation, at the refund's
 * created_at.
 *
 * - lines: refund_line_items with quantity > 0; restock when restock_type is return, cancel or
 *   legacy_restock.
 * - refunded: Σ transactions with kind refund and status success (one currency, else invalid),
 *   null when there are none.
 * - note: note, empty → null.
 *
 * Docs: https://shopify.dev/docs/api/admin-rest/2025-10/resources/refund
 */
import type { ShopifyRefundPayload } from '../../connectors/shopify/index.js'
import type { Money } from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { safeMinor, toMinorUnits } from '../shared/money.js'
import type { NormalizeResult } from '../types.js'
import { done, located, text } from './shared.js'

const RESTOCKING = new Set(['return', 'cancel', 'legacy_restock'])

export function refundsCreate(refund: ShopifyRefundPayload): NormalizeResult {
  return done([
    {
      kind: 'order-return',
      occurredAt: refund.created_at,
      data: {
        externalOrderId: refund.order_id,
        returnId: refund.id,
        lines: refund.refund_line_items
          .filter((line) => line.quantity > 0)
          .map((line) => ({
            externalLineId: line.line_item_id,
            sku: text(line.line_item?.sku),
            quantity: line.quantity,
            restock: RESTOCKING.has(line.restock_type ?? ''),
          })),
        refunded: refundedMoney(refund.transactions),
        note: text(refund.note),
      },
    },
  ])
}

function refundedMoney(transactions: ShopifyRefundPayload['transactions']): Money | null {
  let refunded: Money | null = null
  for (const [i, tx] of transactions.entries()) {
    if (tx.kind !== 'refund' || tx.status !== 'success') continue
    if (refunded && refunded.currency !== tx.currency) {
      const issue = `refund transactions mix ${refunded.currency} and ${tx.currency}`
      throw new InvalidPayloadError(issue, ['transactions', i, 'currency'])
    }
    const at = ['transactions', i, 'amount']
    const sum = located(at, () =>
      safeMinor((refunded?.amountMinor ?? 0) + toMinorUnits(tx.amount, tx.currency), 'sum'),
    )
    refunded = { amountMinor: sum, currency: tx.currency }
  }
  return refunded
}
