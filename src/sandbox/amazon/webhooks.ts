/**
 * The notifications the emulated seller's subscriptions produce, posted to the hub as AWS would
 * post them through an EventBridge API destination (channels.md §2 A1 (a)): with the connection's
 * static API key header (the connector's published sandbox credential) and EventBridge's
 * User-Agent, no signature.
 *
 * - LISTINGS_ITEM_MFN_QUANTITY_CHANGE is an EventBridge-workflow type: a rule posts the whole
 *   EventBridge event, the notification in `detail`.
 * - ORDER_CHANGE is an SQS-workflow type (channels.md §2 A1): it reaches an API destination
 *   through EventBridge Pipes from the SQS queue, whose input transformer posts the message body,
 *   i.e. the bare notification (connectors/amazon/envelope.ts `bare`).
 *
 * Shapes: repo:amzn/selling-partner-api-models schemas/notifications/OrderChangeNotification.json
 * and ListingsItemMfnQuantityChange.json; EventBridge envelope
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html.
 */
import { randomUUID } from 'node:crypto'
import type { AmazonHydratedOrder } from '../../../connectors/amazon/index.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { amazonTime, itemLines } from './order-record.js'
import { MFN_CHANNEL_CODE, ORDER_MARKETPLACE, SELLER } from './seller.js'

/** The sandbox's SP-API application and the AWS account its event bus is in (made up). */
const APPLICATION_ID = 'amzn1.sellerapps.app.sandbox-0000-0000'
const AWS_ACCOUNT = '123456789012'
/** The partner event source, as channels.md §2 A1 gives its form (its exact format is unconfirmed). */
const EVENT_SOURCE = `aws.partner/sellingpartnerapi.amazon.com/${AWS_ACCOUNT}/${APPLICATION_ID}`
/** One subscription per notification type, as `createSubscription` makes them. */
const SUBSCRIPTION_IDS = {
  ORDER_CHANGE: '5c0a6e5e-0000-4000-8000-0000000000a1',
  LISTINGS_ITEM_MFN_QUANTITY_CHANGE: '5c0a6e5e-0000-4000-8000-0000000000a2',
} as const
type NotificationType = keyof typeof SUBSCRIPTION_IDS

function notification(type: NotificationType, at: Date, payload: unknown) {
  return {
    NotificationVersion: '1.0',
    NotificationType: type,
    PayloadVersion: '1.0',
    EventTime: at.toISOString(),
    Payload: payload,
    NotificationMetadata: {
      ApplicationId: APPLICATION_ID,
      SubscriptionId: SUBSCRIPTION_IDS[type],
      PublishTime: at.toISOString(),
      // The hub's dedupe key: one per notification, kept across AWS's retries of the same post.
      NotificationId: randomUUID(),
    },
  }
}

function post(state: ChannelState, body: unknown): SignedWebhook {
  return {
    path: `/webhooks/amazon/${encodeURIComponent(state.accountId)}`,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      [SELLER.apiKey.header]: SELLER.apiKey.value,
    },
    body: JSON.stringify(body),
  }
}

/** ORDER_CHANGE (OrderStatusChange) for the order's current state, posted bare. */
export function orderChangeWebhook(
  state: ChannelState,
  record: AmazonHydratedOrder,
  at: Date,
): SignedWebhook {
  const { order } = record
  const status = String(order.OrderStatus)
  const lines = itemLines(record)
  const unshipped = status === 'Canceled' ? 0 : lines.reduce((n, line) => n + line.quantity, 0)
  return post(
    state,
    notification('ORDER_CHANGE', at, {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: SELLER.sellerId,
        AmazonOrderId: order.AmazonOrderId,
        OrderChangeType: 'OrderStatusChange',
        OrderChangeTrigger: {
          TimeOfOrderChange: amazonTime(at),
          ChangeReason: 'Order status changed',
        },
        Summary: {
          MarketplaceId: ORDER_MARKETPLACE,
          OrderStatus: status,
          PurchaseDate: order.PurchaseDate,
          DestinationPostalCode: '98101',
          FulfillmentType: 'MFN',
          OrderType: 'StandardOrder',
          NumberOfItemsShipped: 0,
          NumberOfItemsUnshipped: unshipped,
          OrderItems: lines.map((line) => ({
            OrderItemId: line.orderItemId,
            SellerSKU: line.sku,
            SupplySourceId: null,
            OrderItemStatus: status,
            Quantity: line.quantity,
            QuantityShipped: 0,
          })),
        },
      },
    }),
  )
}

/** LISTINGS_ITEM_MFN_QUANTITY_CHANGE for a SKU's merchant-fulfilled quantity, in its EventBridge event. */
export function mfnQuantityWebhook(
  state: ChannelState,
  sku: string,
  quantity: number,
  at: Date,
): SignedWebhook {
  const type = 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE'
  return post(state, {
    version: '0',
    id: randomUUID(),
    'detail-type': type,
    source: EVENT_SOURCE,
    account: AWS_ACCOUNT,
    time: amazonTime(at),
    region: 'us-east-1',
    resources: [],
    detail: notification(type, at, {
      SellerId: SELLER.sellerId,
      FulfillmentChannelCode: MFN_CHANNEL_CODE,
      Sku: sku,
      Quantity: quantity,
    }),
  })
}
