/**
 * ORDER_CHANGE. The notification carries no money, currency or address, so it is thin: without
 * the fetched order the answer is `hydrate` (`order:<AmazonOrderId>`); with it, one `order`
 * observation mapped from that record (order.ts), the order's full current state.
 *
 * updatedAt is the latest of Order.LastUpdateDate, OrderChangeTrigger.TimeOfOrderChange and the
 * notification's EventTime: the order was fetched after the notification arrived, so its state is
 * at least as new as the change the notification reports, even when LastUpdateDate lags behind a
 * change Amazon already announced (a buyer's cancellation request need not change any order
 * field). A later notification about the same order thus never looks older than this snapshot.
 *
 * A fetched record that does not parse is `invalid` under `hydrated.<key>`; one for another order
 * than the notification names is `invalid` too: a fault of the fetch.
 *
 * Docs: repo:amzn/selling-partner-api-models schemas/notifications/OrderChangeNotification.json
 */
import { AmazonOrderRecord, type OrderChangeNotification } from '../../connectors/amazon/index.js'
import { fetchedOrHydrate } from '../shared/fetched.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { recordPaths, toSnapshot } from './order.js'
import { done, type Path } from './shared.js'

export function orderChange(
  notification: OrderChangeNotification,
  _at: Path,
  input: NormalizeInput,
): NormalizeResult {
  const change = notification.Payload.OrderChangeNotification
  const orderId = change.AmazonOrderId
  const record = fetchedOrHydrate(input, { kind: 'order', id: orderId }, AmazonOrderRecord)
  if (!record.ok) return record.result
  const { value, at } = record
  if (value.order.AmazonOrderId !== orderId) {
    const issue = `is ${value.order.AmazonOrderId}, the notification names ${orderId}`
    throw new InvalidPayloadError(issue, [...at, 'order', 'AmazonOrderId'])
  }
  const snapshot = toSnapshot(
    value,
    recordPaths(at),
    {
      eventTime: notification.EventTime,
      changedAt: change.OrderChangeTrigger?.TimeOfOrderChange ?? null,
    },
    change.Summary?.MarketplaceId,
  )
  return done([{ kind: 'order', snapshot }])
}
