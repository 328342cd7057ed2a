import type { Kysely } from 'kysely'
import { raiseAccountAlert } from '../db/repos/account-alerts.js'
import { recordSubscriptionConfirmed } from '../db/repos/channel-subscriptions.js'
import type { InboxMessageToNormalize } from '../db/repos/inbox.js'
import type { Database } from '../db/schema.js'
import { listingSubject, type HubEvent } from '../events/index.js'
import type { Logger } from '../logger.js'
import { applyStockReport } from '../inventory/reports.js'
import { applyOrderSnapshots } from '../orders/apply.js'
import type { ReservationWrites } from '../db/repos/reservations.js'
import { eventId, toEvent, type EventDraft, type EventOrigin } from '../outbox/event.js'
import type { Observation } from '../../normalizers/index.js'
import { foundBy } from './order-sync-rows.js'

export interface ApplySettings {
  /** See `Config.stock.echoWindowMs`. */
  readonly echoWindowMs: number
}

/** A message's observations to apply, and the origin its events get. */
export interface MessageToApply {
  readonly message: Pick<
    InboxMessageToNormalize,
    'id' | 'channel' | 'account_id' | 'dedupe_key' | 'topic'
  >
  readonly origin: EventOrigin
  readonly observations: readonly Observation[]
}

/**
 * Applies messages' observations inside the caller's transaction, in the order given, and returns
 * the events each message causes, and the orders' reservation writes, which the caller writes
 * (with `reservationWrites` in its own last statement, or `writeReservations`) before it commits.
 * The orders of the whole batch are applied together (a few statements for any number; see
 * `applyOrderSnapshots`), other observations one by one.
 */
export async function applyMessages(
  trx: Kysely<Database>,
  log: Logger,
  settings: ApplySettings,
  messages: readonly MessageToApply[],
): Promise<{ events: HubEvent[][]; reservations: ReservationWrites }> {
  const orders = messages.flatMap(({ message, observations }) =>
    observations.flatMap((o) =>
      o.kind === 'order'
        ? [
            {
              key: {
                channel: message.channel,
                accountId: message.account_id,
                externalId: o.snapshot.externalId,
              },
              snapshot: o.snapshot,
              inboxId: message.id,
              foundBy: foundBy(message),
            },
          ]
        : [],
    ),
  )
  const applied = await applyOrderSnapshots(trx, orders)
  const orderDrafts = applied.drafts.values()
  const results: HubEvent[][] = []
  for (const { message, origin, observations } of messages) {
    const events: HubEvent[] = []
    for (const observation of observations) {
      const drafts =
        observation.kind === 'order'
          ? orderDrafts.next().value!
          : await applyObservation(trx, log, settings, message, observation)
      for (const draft of drafts) {
        // A refund is identified by its own id, so a re-sent refund under a new webhook id is
        // dropped by the outbox key; other events come from this message.
        const id =
          observation.kind === 'order-return'
            ? eventId(origin, 'return', observation.data.returnId)
            : eventId(origin, message.dedupe_key, String(events.length))
        events.push(toEvent(draft, origin, id))
      }
    }
    results.push(events)
  }
  return { events: results, reservations: applied.reservations }
}

/** Applies one observation other than an order snapshot (those are applied by the batch). */
async function applyObservation(
  trx: Kysely<Database>,
  log: Logger,
  settings: ApplySettings,
  message: MessageToApply['message'],
  observation: Exclude<Observation, { kind: 'order' }>,
): Promise<readonly EventDraft[]> {
  switch (observation.kind) {
    case 'order-return':
      return [
        {
          type: 'order.returned.v1',
          subject: `order/${observation.data.externalOrderId}`,
          time: observation.occurredAt,
          data: observation.data,
        },
      ]
    // A channel's stock report is published as reported, unless it is the echo of the hub's own
    // push; the ledger decides whether it changes anything.
    case 'inventory-level': {
      const account = { channel: message.channel, accountId: message.account_id }
      const outcome = await applyStockReport(trx, account, observation, settings.echoWindowMs)
      if (outcome.kind === 'echo') return []
      const reported: EventDraft = {
        type: 'inventory.reported.v1',
        subject: listingSubject(observation.data.listing),
        time: observation.occurredAt,
        data: observation.data,
      }
      return [reported, ...outcome.events]
    }
    case 'listing-status':
      return [
        {
          type: 'listing.status_changed.v1',
          subject: listingSubject(observation.data.listing),
          time: observation.occurredAt,
          data: observation.data,
        },
      ]
    case 'subscription-confirmed':
      await recordSubscriptionConfirmed(trx, {
        channel: message.channel,
        accountId: message.account_id,
        topic: observation.topic,
        subscriptionId: observation.subscriptionId,
        confirmedAt: new Date(observation.occurredAt),
        inboxId: message.id,
      })
      log.info(
        { channel: message.channel, account: message.account_id, topic: observation.topic },
        'confirmed the channel’s subscription',
      )
      return []
    case 'account-authorization': {
      const alert = {
        channel: message.channel,
        accountId: message.account_id,
        kind: observation.state,
        message: observation.message,
        occurredAt: new Date(observation.occurredAt),
      }
      await raiseAccountAlert(trx, alert, message.id)
      log.warn(
        { channel: alert.channel, account: alert.accountId, alert: alert.kind },
        observation.state === 'revoked'
          ? 'the seller revoked the hub’s access to this account: API calls will fail until it is authorized again'
          : 'this account’s authorization expires soon: the seller must renew it',
      )
      return []
    }
  }
}
