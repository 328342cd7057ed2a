import { recordChannelRead, recordCheck } from '../db/repos/listings.js'
import type { HubEvent } from '../events/index.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
import { fitQuantity } from '../../connectors/index.js'
import { channelReadBase } from '../inventory/allocation.js'
import { isStepResult, loadListingStock, stockCallFailure } from './listing-stock.js'
import { allocationWindow } from './plan-push.js'
import type { PushDeps } from './push-stock.js'
import { DONE, type StepResult } from './step-result.js'

export interface CheckDeps extends PushDeps {
  /** A listing pushed this recently is not compared: the channel may not show the push yet (Amazon applies minutes later). */
  readonly settleMs: number
}

/**
 * Reconciliation of one listing: reads the quantity the channel offers, compares it with what the
 * SKU's ats and the listing's policy say, and on a difference records it, emits
 * `inventory.drift_detected.v1` and queues a push. A listing with a push due or just made is
 * skipped: comparing it now would report the hub's own work in flight as drift.
 */
export async function checkListingStock(
  deps: CheckDeps,
  listingId: string,
  count: (drift: number) => void = () => undefined,
): Promise<StepResult> {
  const loaded = await loadListingStock(
    deps.db,
    deps.accounts,
    listingId,
    allocationWindow(deps.config.stock),
  )
  if (isStepResult(loaded)) return loaded
  const { listing, stock, client, unit } = loaded
  // A push offers at most the channel's maximum (push-stock.ts); expecting more would report the
  // same drift, and push again, at every reconciliation.
  const fit = fitQuantity(stock.quantityRange, loaded.quantity)
  const quantity = fit.ok ? fit.quantity : loaded.quantity
  const now = deps.clock.now()
  const lastAttempt = listing.last_push_attempt_at?.getTime() ?? -Infinity
  if (now.getTime() - lastAttempt < deps.settleMs) {
    // Pushed after the check was queued (reconcileAll reports those pushed before).
    deps.log.info(
      { listingId, sku: listing.sku, channel: listing.channel, reason: 'pushed-recently' },
      'reconciliation check skipped',
    )
    return DONE
  }
  let actual: number | null
  try {
    actual = await stock.read(client, unit)
  } catch (err) {
    return stockCallFailure(err, stock.throttlePauseMs)
  }
  const drift = (actual ?? 0) - quantity
  count(drift)
  await deps.db.transaction().execute(async (trx) => {
    await recordCheck(trx, listingId, { quantity: actual, drift, at: now })
    if (drift === 0) return
    // What the channel offers is now known: the allocation counts it, not what was believed, so a
    // channel that offers more than its share is lowered before any other listing is raised. A
    // quiet listing (no units committed in the recent window) has no sale in flight: the read is
    // the truth, which releases units the write races left believed on the channel; a selling one
    // counts a shortfall as sales whose orders are still coming (see `channelReadBase`).
    const quiet = listing.recent === 0
    await recordChannelRead(
      trx,
      listingId,
      channelReadBase(loaded.believed, actual ?? 0, listing.committed, quiet),
    )
    const origin: EventOrigin = { channel: 'hub', accountId: 'reconcile', recordedAt: now }
    const lastPushed =
      listing.last_pushed_quantity !== null && listing.last_pushed_at !== null
        ? { quantity: listing.last_pushed_quantity, at: listing.last_pushed_at.toISOString() }
        : null
    const event: HubEvent = toEvent(
      {
        type: 'inventory.drift_detected.v1',
        subject: `sku/${listing.sku}`,
        time: now.toISOString(),
        data: {
          sku: listing.sku,
          listing: { channel: listing.channel, account: listing.account_id, unit: listing.unit },
          expected: quantity,
          actual: actual ?? 0,
          lastPushed,
        },
      },
      origin,
      eventId(origin, 'drift', listingId, now.toISOString()),
    )
    await appendEvents(trx, [event])
  })
  if (drift !== 0) {
    deps.log.warn(
      { listingId, sku: listing.sku, channel: listing.channel, expected: quantity, actual },
      'stock drift: the channel offers another quantity than expected; pushing again',
    )
    await deps.queues.stock.enqueue('push', [listing])
  }
  return DONE
}
