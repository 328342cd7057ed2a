import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { accountListingsWithStock, recordAdoptedRead } from '../db/repos/account-listings.js'
import { markAdopted } from '../db/repos/account-stock-state.js'
import { lockItems } from '../db/repos/inventory.js'
import { skusWithUnknownOnHand } from '../db/repos/on-hand-unknown.js'
import type { Database, Listing } from '../db/schema.js'
import type { ChannelId, InventoryChangeCause } from '../events/index.js'
import { setOnHand } from '../inventory/ledger.js'
import type { Logger } from '../logger.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
import { ChannelApiError, inLane } from '../../connectors/index.js'
import { findStockAccount, stockRateOf, type StockAccount } from './onboarding-account.js'

export interface AdoptDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly accounts: AccountDirectory
  /** Waits between reads (the account's rate) and after a 429; a test may shorten nothing else. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** One listing's read that gave no quantity. */
export interface AdoptFailure {
  readonly listingId: string
  readonly sku: string
  readonly error: string
}

export interface AdoptResult {
  readonly account: string
  readonly listings: number
  /** Listings whose channel quantity was read and recorded (`lastCheck` on the listing). */
  readonly read: number
  /** Read, but the channel does not list the unit (no quantity to adopt). */
  readonly notListed: ReadonlyArray<{ readonly listingId: string; readonly sku: string }>
  readonly failed: readonly AdoptFailure[]
  /** SKUs whose unknown on-hand was set, to the figure adopted. */
  readonly onHandSet: ReadonlyArray<{ readonly sku: string; readonly onHand: number }>
  /** SKUs whose on-hand was already known: left as they were. */
  readonly onHandKept: readonly string[]
}

/** Rate-limited reads are waited out and retried this many times before the listing is failed. */
const THROTTLED_RETRIES = 5
/** SKUs whose on-hand is set per transaction: their item locks are held until it commits. */
const SKUS_PER_TRANSACTION = 200

/**
 * `adopt`: reads each listing of the account from its channel, one at a time at the account's
 * stock rate (the pace of its push queue, so the channel is never asked faster than the hub's own
 * pushes would), and records each quantity on its listing. Then every SKU whose on-hand is unknown
 * (see `skusWithUnknownOnHand`) gets a starting on-hand through the ledger's normal path, an
 * absolute level as of the read, with cause `on-hand-set` / reference `adopt:<channel>/<account>`:
 * the LARGEST quantity the account's listings of the SKU show. Every channel offers the same
 * shared stock, so a quantity is an estimate of what is on hand; where listings differ, the lower
 * ones are most often a buffer or cap of the seller's previous tool (the hub applies its own
 * policy on top), and taking the smallest would lower every other listing at go-live. A known
 * on-hand is never overwritten. Progress goes to `progress` as n/total.
 */
export async function adoptAccount(
  deps: AdoptDeps,
  channel: ChannelId,
  accountId: string,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<{ ok: true; result: AdoptResult } | { ok: false; problem: string }> {
  const resolved = findStockAccount(deps.accounts, channel, accountId)
  if (!resolved.ok) return resolved
  const found = resolved.found
  const sleep = deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)))
  const listings = await accountListingsWithStock(deps.db, { channel, accountId })
  const rate = stockRateOf(found)
  const spacingMs = Math.ceil(rate.durationMs / rate.max)
  const figures = new Map<string, { onHand: number; at: Date }>()
  const notListed: { listingId: string; sku: string }[] = []
  const failed: AdoptFailure[] = []
  let read = 0
  let lastReadAt = -Infinity
  for (const [i, listing] of listings.entries()) {
    const wait = lastReadAt + spacingMs - Date.now()
    if (wait > 0) await sleep(wait)
    lastReadAt = Date.now()
    const outcome = await readListing(found, listing, sleep)
    if (!outcome.ok) failed.push({ listingId: listing.id, sku: listing.sku, error: outcome.error })
    else {
      const at = deps.clock.now()
      await recordAdoptedRead(deps.db, listing.id, { quantity: outcome.quantity, at })
      read += 1
      if (outcome.quantity === null) notListed.push({ listingId: listing.id, sku: listing.sku })
      else {
        // Shopify's `available` goes below 0 when it oversold: nothing is on hand then.
        const onHand = Math.max(0, outcome.quantity)
        const best = figures.get(listing.sku)
        if (!best || onHand > best.onHand) figures.set(listing.sku, { onHand, at })
      }
    }
    progress(i + 1, listings.length)
  }
  const { set, kept } = await setUnknownOnHand(deps, found, figures)
  await markAdopted(deps.db, { channel, accountId }, deps.clock.now())
  const result: AdoptResult = {
    account: found.name,
    listings: listings.length,
    read,
    notListed,
    failed,
    onHandSet: set,
    onHandKept: kept,
  }
  deps.log.info(
    {
      account: found.name,
      listings: listings.length,
      read,
      failed: failed.length,
      onHandSet: set.length,
      onHandKept: kept.length,
    },
    'account adopted: channel quantities read',
  )
  return { ok: true, result }
}

/** One listing's quantity at its channel; a 429 is waited out (it is the channel's pace, not a failure). */
async function readListing(
  found: StockAccount,
  listing: Listing,
  sleep: (ms: number) => Promise<void>,
): Promise<{ ok: true; quantity: number | null } | { ok: false; error: string }> {
  const unit = found.stock.unit.safeParse(listing.unit)
  if (!unit.success) return { ok: false, error: 'stored unit no longer valid' }
  for (let attempt = 0; ; attempt++) {
    try {
      // An operator's bulk read: behind pushes and webhooks' orders in the account's budget.
      const quantity = await inLane('reconcile', () => found.stock.read(found.client, unit.data))
      return { ok: true, quantity }
    } catch (err) {
      if (!(err instanceof ChannelApiError)) throw err
      if (err.kind !== 'rate-limited' || attempt >= THROTTLED_RETRIES)
        return { ok: false, error: err.message }
      await sleep(err.details.retryAfterMs ?? found.stock.throttlePauseMs)
    }
  }
}

/**
 * Sets the adopted figure as the on-hand of each SKU whose on-hand is unknown, decided under the
 * SKUs' item locks (a level or adjustment arriving meanwhile waits, then applies as usual; one
 * that came first makes the SKU known and it is kept).
 */
async function setUnknownOnHand(
  deps: AdoptDeps,
  found: StockAccount,
  figures: ReadonlyMap<string, { onHand: number; at: Date }>,
): Promise<{ set: { sku: string; onHand: number }[]; kept: string[] }> {
  const { channel, id: accountId } = found.account
  const cause: InventoryChangeCause = {
    kind: 'on-hand-set',
    reference: `adopt:${found.name}`,
    channel,
    account: accountId,
  }
  const origin: EventOrigin = { channel, accountId, recordedAt: deps.clock.now() }
  const skus = [...figures.keys()].sort()
  const set: { sku: string; onHand: number }[] = []
  const kept: string[] = []
  for (let start = 0; start < skus.length; start += SKUS_PER_TRANSACTION) {
    const chunk = skus.slice(start, start + SKUS_PER_TRANSACTION)
    await deps.db.transaction().execute(async (trx) => {
      await lockItems(trx, chunk)
      const unknown = await skusWithUnknownOnHand(trx, chunk)
      for (const sku of chunk) {
        const figure = figures.get(sku)!
        if (!unknown.has(sku)) {
          kept.push(sku)
          continue
        }
        const level = { sku, onHand: figure.onHand, asOf: figure.at }
        const outcome = await setOnHand(trx, level, cause)
        if (!outcome.applied) {
          kept.push(sku)
          continue
        }
        const at = figure.at.toISOString()
        await appendEvents(
          trx,
          outcome.events.map((draft) =>
            toEvent(draft, origin, eventId(origin, 'adopt', draft.subject, at)),
          ),
        )
        set.push({ sku, onHand: figure.onHand })
      }
    })
  }
  return { set, kept }
}
