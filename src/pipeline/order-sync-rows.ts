/**
 * Orders read from a channel's list API become inbox rows like webhooks do, of topic
 * ORDER_SYNC_TOPIC, so they go through the same normalizers, ordering rules and dedupe. The dedupe
 * key names the order, the update time the list gave and a digest of the record: the same state
 * read twice (an overlap, a resumed page) is one row; a later state is a new row, even within the
 * same second on channels that date to the second (an order cancelled in the second it was
 * placed). The scheduled sync and a backfill use their own prefixes, so how an order was first
 * found can be told from its row.
 */
import { createHash } from 'node:crypto'
import { ORDER_SYNC_TOPIC, type ListedOrder } from '../../connectors/index.js'
import type { NewInboxRow } from '../db/repos/inbox.js'
import type { OrderFoundBy, OrderSyncKind } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'

export function listedOrderRow(
  account: { readonly channel: ChannelId; readonly accountId: string },
  kind: OrderSyncKind,
  order: ListedOrder,
  receivedAt: Date,
): NewInboxRow {
  const updatedAt = new Date(order.updatedAt)
  const body = Buffer.from(JSON.stringify(order.record))
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 16)
  return {
    channel: account.channel,
    accountId: account.accountId,
    dedupeKey: `${kind}:${order.id}@${updatedAt.toISOString()}#${digest}`,
    topic: ORDER_SYNC_TOPIC,
    headers: {},
    rawBody: body,
    channelTime: Number.isNaN(updatedAt.getTime()) ? undefined : updatedAt,
    receivedAt,
  }
}

/** How the message's orders reached the hub: a webhook, or order sync of which kind. */
export function foundBy(message: {
  readonly topic: string
  readonly dedupe_key: string
}): OrderFoundBy {
  if (message.topic !== ORDER_SYNC_TOPIC) return 'webhook'
  return message.dedupe_key.startsWith('backfill:') ? 'backfill' : 'sync'
}
