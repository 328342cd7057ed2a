/**
 * Order sync: reads an account's orders changed in a window from its channel's list API, page by
 * page, into the inbox as rows of topic ORDER_SYNC_TOPIC, so each listed order is normalized,
 * ordered and deduplicated exactly as a webhook of the same order would be (DESIGN.md §6b).
 *
 * A listed order the hub already holds at a newer state is left out: it would change nothing, and
 * on Amazon its items would cost a call.
 *
 * Guarantees:
 * - The watermark moves only when every page of the window is committed to the inbox, and only to
 *   the window's end, which lies `settleMs` in the past (the channel's own lag before an update
 *   shows in its list). The next window starts `overlapMs` before the watermark, for clock skew.
 * - Each page's cursor is committed right after its rows, so a run whose process died (or whose
 *   attempt failed) resumes at the page it was on; rows of a page read twice are deduplicated by
 *   their key (`order-sync-rows.ts`).
 * - One process per run: a lease in the row, renewed with every page and while waiting out a rate
 *   limit. A process that lost its lease stops.
 * - Rate limits (the account's shared budget, or the channel's 429) are waited out here, so a
 *   backfill of thousands of orders goes on at the pace the channel allows.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import {
  ChannelApiError,
  inLane,
  type AnyConnector,
  type ListedOrder,
  type OrderPage,
} from '../../connectors/index.js'
import type { Clock } from '../clock.js'
import type { AccountDirectory } from '../config/account-directory.js'
import type { Config } from '../config/index.js'
import { insertInboxBatch } from '../db/repos/inbox.js'
import { heldUpdateTimes } from '../db/repos/orders.js'
import {
  claimRun,
  failRun,
  finishRun,
  recordPage,
  renewLease,
  seedWatermark,
  type SyncKey,
  type Window,
} from '../db/repos/order-sync.js'
import type { Database, OrderSync, OrderSyncKind } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import { errorMessage } from '../errors.js'
import type { Logger } from '../logger.js'
import { inboundJob, type Queues } from '../queues/index.js'
import { listedOrderRow } from './order-sync-rows.js'

export interface OrderSyncDeps {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly accounts: AccountDirectory
  readonly clock: Clock
  readonly log: Logger
  readonly config: Pick<Config, 'orderSync'>
}

/** How long a run is its process's without a sign of life (a page, a renewal). */
export const LEASE_MS = 120_000
/** A wait (rate limit, retry) is slept in steps of this, so a stopping process leaves at once. */
const WAIT_STEP_MS = 1_000
/** While waiting, the lease is renewed this often. */
const RENEW_EVERY_MS = 30_000
/** Transient failures of one page retried here before the attempt gives up (the job retries later). */
const PAGE_TRIES = 4

export type SyncOutcome =
  | {
      readonly kind: 'done'
      readonly window: Window
      readonly ordersRead: number
      /** Rows new to the inbox (the rest were states it, or the orders, already had). */
      readonly newRows: number
      readonly resumed: boolean
    }
  /** Another process holds the run. */
  | { readonly kind: 'busy' }
  /** Nothing to read: the window since the watermark is still empty. */
  | { readonly kind: 'idle' }
  /** This process lost the run's lease to another while it ran. */
  | { readonly kind: 'lost' }
  /** The account is unknown, or its channel has no order list the hub can read. */
  | { readonly kind: 'unsupported'; readonly reason: string }

export interface SyncProgress {
  readonly row: OrderSync
  /** Pages and orders read in this run so far, and the latest update time among them. */
  readonly pages: number
  readonly ordersRead: number
  readonly reached: Date | null
}

export interface SyncOptions {
  /** Names this process in the lease; a fresh id when absent. */
  readonly owner?: string
  /** Told after every committed page. */
  readonly onPage?: (progress: SyncProgress) => void
  /** Stops between pages when it says so (a shutting-down worker); the run resumes later. */
  readonly stopping?: () => boolean
  /** Waits; tests may shorten it. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** The account's order listing, or why it has none (an unknown account, or a channel the hub cannot list). */
export function orderListingOf(
  accounts: AccountDirectory,
  channel: ChannelId,
  accountId: string,
):
  | { ok: true; connector: AnyConnector; credentials: unknown }
  | { ok: false; unknownAccount: boolean; reason: string } {
  const found = accounts.find(channel, accountId)
  if (!found)
    return { ok: false, unknownAccount: true, reason: `unknown account ${channel}/${accountId}` }
  if (!found.connector.orders || !found.connector.client)
    return { ok: false, unknownAccount: false, reason: `the hub cannot list ${channel} orders` }
  return { ok: true, connector: found.connector, credentials: found.account.credentials }
}

/**
 * How far in the past a window ends: ORDER_SYNC_SETTLE_MS, else the channel's own figure, never
 * below what the channel's API accepts for the account.
 */
export function settleOf(
  deps: Pick<OrderSyncDeps, 'config'>,
  connector: AnyConnector,
  credentials: unknown,
): number {
  const orders = connector.orders!
  const wanted = deps.config.orderSync.settleMs ?? orders.settleMs
  return Math.max(wanted, orders.minSettleMs?.(credentials) ?? 0)
}

/** Runs (or resumes) the account's run of `kind` to its end. */
export async function runOrderSync(
  deps: OrderSyncDeps,
  account: { readonly channel: ChannelId; readonly accountId: string },
  kind: OrderSyncKind,
  opts: SyncOptions = {},
): Promise<SyncOutcome> {
  const listing = orderListingOf(deps.accounts, account.channel, account.accountId)
  if (!listing.ok) return { kind: 'unsupported', reason: listing.reason }
  const orders = listing.connector.orders!
  const client = deps.accounts.client(account.channel, account.accountId)!
  const key: SyncKey = { ...account, kind }
  const owner = opts.owner ?? `sync-${randomUUID()}`
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const settleMs = settleOf(deps, listing.connector, listing.credentials)
  const claim = await claimRun(deps.db, key, {
    owner,
    now: deps.clock.now(),
    leaseMs: LEASE_MS,
    // Only the scheduled sync starts runs of its own; a backfill is started by an operator.
    next: (row) => (kind === 'sync' ? nextWindow(deps, row, settleMs) : undefined),
  })
  if (claim.kind !== 'claimed') return { kind: claim.kind }
  const run = claim.row
  const window = { from: run.window_from!, to: run.window_to! }
  const lane = kind === 'sync' ? 'poll' : 'backfill'
  let page = run.page ?? undefined
  let ordersRead = run.orders_read
  let pages = run.pages
  let reached = run.reached
  let newRows = 0
  const stopping = opts.stopping ?? (() => false)
  try {
    for (;;) {
      const read = stopping()
        ? 'stopped'
        : await inLane(lane, () =>
            readPage(deps, { key, owner, sleep, stopping }, () =>
              orders.list(client, window, page),
            ),
          )
      if (read === 'stopped') {
        await failRun(deps.db, key, owner, 'stopped with its process; resumes', deps.clock.now())
        return { kind: 'lost' }
      }
      if (read === 'lost') return { kind: 'lost' }
      const now = deps.clock.now()
      const rows = (await notYetHeld(deps, account, read)).map((o) =>
        listedOrderRow(account, kind, o, now),
      )
      const inserted = rows.length > 0 ? await insertInboxBatch(deps.db, rows) : []
      newRows += inserted.length
      await enqueue(deps, rows, inserted)
      const latest = latestUpdate(read)
      if (latest && (!reached || latest > reached)) reached = latest
      ordersRead += read.orders.length
      const recorded = await recordPage(deps.db, key, owner, {
        next: read.next ?? null,
        orders: read.orders.length,
        reached: latest,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
      })
      if (!recorded) return { kind: 'lost' }
      pages += 1
      opts.onPage?.({ row: run, pages, ordersRead, reached })
      if (read.next === undefined) break
      page = read.next
    }
    const finished = await finishRun(deps.db, key, owner, deps.clock.now())
    if (!finished) return { kind: 'lost' }
    // A finished backfill hands the scheduled sync its first watermark, when it has none.
    if (kind === 'backfill') await seedWatermark(deps.db, account, finished.window.to)
    return { kind: 'done', window, ordersRead, newRows, resumed: claim.resumed }
  } catch (err) {
    await failRun(deps.db, key, owner, errorMessage(err), deps.clock.now()).catch(() => undefined)
    throw err
  }
}

/**
 * The scheduled sync's next window: from the watermark less the overlap (or, before the first
 * sync, `firstLookbackMs` ago) to `settleMs` ago.
 */
function nextWindow(deps: OrderSyncDeps, row: OrderSync, settleMs: number): Window {
  const now = deps.clock.now().getTime()
  const { overlapMs, firstLookbackMs } = deps.config.orderSync
  const from = row.watermark === null ? now - firstLookbackMs : row.watermark.getTime() - overlapMs
  return { from: new Date(from), to: new Date(now - settleMs) }
}

/**
 * One page, waiting out rate limits (renewing the lease meanwhile) and retrying transient faults
 * a few times; 'lost' when the lease went to another process while waiting, 'stopped' when this
 * process began to stop.
 */
async function readPage(
  deps: OrderSyncDeps,
  run: {
    key: SyncKey
    owner: string
    sleep: (ms: number) => Promise<void>
    stopping: () => boolean
  },
  list: () => Promise<OrderPage>,
): Promise<OrderPage | 'lost' | 'stopped'> {
  let transientLeft = PAGE_TRIES
  for (;;) {
    try {
      return await list()
    } catch (err) {
      if (!(err instanceof ChannelApiError) || !err.retryable) throw err
      if (err.kind === 'transient' && --transientLeft <= 0) throw err
      let waitMs =
        err.kind === 'rate-limited'
          ? (err.details.retryAfterMs ?? 1_000)
          : 1_000 * 2 ** (PAGE_TRIES - transientLeft)
      let sinceRenewal = 0
      while (waitMs > 0) {
        if (run.stopping()) return 'stopped'
        const step = Math.min(waitMs, WAIT_STEP_MS)
        await run.sleep(step)
        waitMs -= step
        sinceRenewal += step
        if (sinceRenewal >= RENEW_EVERY_MS || waitMs <= 0) {
          sinceRenewal = 0
          const until = new Date(deps.clock.now().getTime() + LEASE_MS)
          if (!(await renewLease(deps.db, run.key, run.owner, until))) return 'lost'
        }
      }
      if (run.stopping()) return 'stopped'
    }
  }
}

/**
 * The page's orders the hub does not hold at a strictly newer state: an older one would change
 * nothing, and on Amazon would still cost a getOrderItems call. A state of the same time is kept:
 * channels that date to the second (Shopify, TikTok Shop) give a change within the same second
 * the same time, and only the normalizer can tell it apart (a cancellation whose webhook was
 * lost, seconds after the order).
 */
async function notYetHeld(
  deps: OrderSyncDeps,
  account: { readonly channel: ChannelId; readonly accountId: string },
  page: OrderPage,
): Promise<ListedOrder[]> {
  const held = await heldUpdateTimes(
    deps.db,
    account,
    page.orders.map((o) => o.id),
  )
  return page.orders.filter((o) => {
    const at = held.get(o.id)
    return at === undefined || !(Date.parse(o.updatedAt) < at.getTime())
  })
}

/** Queues the rows new to the inbox; a failed enqueue is left to the sweeper, as intake does. */
async function enqueue(
  deps: OrderSyncDeps,
  rows: ReturnType<typeof listedOrderRow>[],
  inserted: Awaited<ReturnType<typeof insertInboxBatch>>,
): Promise<void> {
  if (inserted.length === 0) return
  const byKey = new Map(rows.map((r) => [r.dedupeKey, r]))
  const jobs = inserted.map((i) => inboundJob({ ...byKey.get(i.dedupeKey)!, inboxId: i.id }))
  try {
    await deps.queues.enqueueInbound(jobs)
  } catch (err) {
    deps.log.warn(
      { err: errorMessage(err), inboxIds: inserted.map((i) => i.id) },
      'enqueue of synced orders failed after inbox commit; sweeper will retry',
    )
  }
}

function latestUpdate(page: OrderPage): Date | null {
  let latest: number | undefined
  for (const o of page.orders) {
    const at = Date.parse(o.updatedAt)
    if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at
  }
  return latest === undefined ? null : new Date(latest)
}
