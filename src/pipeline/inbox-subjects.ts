import type { InboxSubject } from '../db/repos/inbox-search.js'
import type { Observation } from '../../normalizers/index.js'

/**
 * What a message is about, for the operator's search by order id or SKU: the order external ids
 * and the seller SKUs its observations name (order lines, returned lines, stock reports, listing
 * changes). Deduplicated; values are the channel's own, unprefixed.
 */
export function subjectsOf(observations: readonly Observation[]): InboxSubject[] {
  const found = new Map<string, InboxSubject>()
  const add = (kind: InboxSubject['kind'], value: string | null) => {
    if (value) found.set(`${kind}\u001f${value}`, { kind, value })
  }
  for (const o of observations) {
    switch (o.kind) {
      case 'order':
        add('order', o.snapshot.externalId)
        for (const line of o.snapshot.lines) add('sku', line.sku)
        break
      case 'order-return':
        add('order', o.data.externalOrderId)
        for (const line of o.data.lines) add('sku', line.sku)
        break
      case 'inventory-level':
      case 'listing-status':
        add('sku', o.data.listing.sellerSku)
        break
      case 'subscription-confirmed':
      case 'account-authorization':
        break
    }
  }
  return [...found.values()]
}
