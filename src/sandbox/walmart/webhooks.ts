/**
 * The order webhooks the emulated seller's subscriptions receive, authenticated as a subscription
 * with `authMethod=HMAC` would be (sign.ts): the configured header carries HMAC-SHA256 of the
 * exact body, keyed with the subscription's secret (channels.md §3 A2). The secret and header are
 * the connector's published sandbox credentials. The digest's encoding is unconfirmed; the emulator
 * uses the one the sandbox account names, base64 when it accepts either.
 *
 * The envelope is `{ source: { eventType, eventTime, eventId }, payload }` (channels.md §3 A5);
 * the payload of PO_CREATED and PO_LINE_AUTOCANCELLED lists the purchase order and its lines
 * (https://developer.walmart.com/us-marketplace/docs/purchase-order-po-created-event,
 * https://developer.walmart.com/us-marketplace/docs/purchase-order-po-line-auto-canceled-event);
 * Walmart has no stock-report webhook (INVENTORY_OOS fires only at zero, channels.md §3 B4).
 */
import { randomUUID } from 'node:crypto'
import type { ChannelState, SignedWebhook } from '../types.js'
import type { WalmartOrderLineRecord, WalmartOrderRecord } from './records.js'
import { PARTNER_ID, SANDBOX } from './seller.js'
import { walmartHmac } from './sign.js'

const hmacMode = (() => {
  const mode = SANDBOX.webhookAuth.find((m) => m.method === 'HMAC')
  const secret = mode?.secrets[0]
  if (!mode || secret === undefined) {
    throw new Error('the Walmart sandbox credentials list no HMAC webhook mode to sign with')
  }
  return {
    headerName: mode.headerName,
    secret,
    encoding: mode.encoding === 'hex' ? 'hex' : 'base64',
  } as const
})()

/** A purchase-order event for `lines` of `order`, signed. */
export function purchaseOrderWebhook(
  state: ChannelState,
  eventType: 'PO_CREATED' | 'PO_LINE_AUTOCANCELLED',
  order: WalmartOrderRecord,
  lines: readonly WalmartOrderLineRecord[],
  at: Date,
): SignedWebhook {
  const event = {
    // A new id per event: Walmart's "use as an idempotency key" (channels.md §3 A3).
    source: { eventType, eventTime: at.toISOString(), eventId: randomUUID() },
    payload: {
      partnerId: PARTNER_ID,
      purchaseOrderId: order.purchaseOrderId,
      customerOrderId: order.customerOrderId,
      orderDate: new Date(order.orderDate).toISOString(),
      orderLines: lines.map((line) => {
        const status = line.orderLineStatuses.orderLineStatus[0]
        return {
          lineNumber: line.lineNumber,
          sku: line.item.sku,
          productName: line.item.productName,
          quantity: { unitOfMeasure: 'EACH', measurementValue: line.orderLineQuantity.amount },
          // The events spell statuses in capitals (CREATED, CANCELLED).
          status: (status?.status ?? 'Created').toUpperCase(),
          statusDate: new Date(line.statusDate).toISOString(),
          shippingProgramType: 'TWO_DAY',
          shippingMethod: 'Standard',
          shipNodeType: order.shipNode.type,
          ...(status?.cancellationReason ? { cancellationReason: status.cancellationReason } : {}),
        }
      }),
    },
  }
  return signed(state, JSON.stringify(event))
}

function signed(state: ChannelState, body: string): SignedWebhook {
  return {
    path: `/webhooks/walmart/${encodeURIComponent(state.accountId)}`,
    headers: {
      'content-type': 'application/json',
      [hmacMode.headerName]: walmartHmac(body, hmacMode.secret, hmacMode.encoding),
    },
    body,
  }
}
