import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, Listing, SentPushStatus } from '../schema.js'
import { committedNow } from './allocation.js'

/** A listing as `PUT /v1/listings` writes it, after validation. */
export interface ListingInput {
  readonly sku: string
  readonly channel: ChannelId
  readonly accountId: string
  readonly unit: Record<string, unknown>
  readonly unitKey: string
  readonly channelSku: string
  readonly policy: Record<string, unknown>
  readonly inventorySource: boolean
  /** The hub locations it draws from; null or absent: all of its SKU's. */
  readonly locations?: readonly string[] | null
}

/**
 * Rows per INSERT: each row binds 9 parameters, and PostgreSQL's protocol counts a statement's
 * parameters in 16 bits (at most 65,535), so the 10,000 rows `PUT /v1/listings` takes must be
 * split (10,000 rows in one statement failed with "bind message has 24464 parameter formats").
 */
const ROWS_PER_INSERT = 5_000

/**
 * Creates or replaces listings by their unit (a unit maps to one SKU); returns their ids, in the
 * order given. All or nothing: more than one statement's worth runs in one transaction. A second
 * inventory source for one SKU violates `listing_one_inventory_source`.
 */
export async function upsertListings(
  db: Kysely<Database>,
  listings: readonly ListingInput[],
): Promise<string[]> {
  if (listings.length <= ROWS_PER_INSERT || db.isTransaction) {
    const ids: string[] = []
    for (let i = 0; i < listings.length; i += ROWS_PER_INSERT)
      ids.push(...(await upsertChunk(db, listings.slice(i, i + ROWS_PER_INSERT))))
    return ids
  }
  return db.transaction().execute((trx) => upsertListings(trx, listings))
}

async function upsertChunk(
  db: Kysely<Database>,
  listings: readonly ListingInput[],
): Promise<string[]> {
  if (listings.length === 0) return []
  const rows = await db
    .insertInto('listing')
    .values(
      listings.map((l) => ({
        sku: l.sku,
        channel: l.channel,
        account_id: l.accountId,
        unit: JSON.stringify(l.unit),
        unit_key: l.unitKey,
        channel_sku: l.channelSku,
        policy: JSON.stringify(l.policy),
        inventory_source: l.inventorySource,
        locations: l.locations ? [...l.locations] : null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['channel', 'account_id', 'unit_key']).doUpdateSet({
        sku: (eb) => eb.ref('excluded.sku'),
        unit: (eb) => eb.ref('excluded.unit'),
        channel_sku: (eb) => eb.ref('excluded.channel_sku'),
        policy: (eb) => eb.ref('excluded.policy'),
        inventory_source: (eb) => eb.ref('excluded.inventory_source'),
        locations: (eb) => eb.ref('excluded.locations'),
        updated_at: sql`now()`,
      }),
    )
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Internal SKUs of channel SKUs, where a listing of that channel account maps them (keyed by
 * `internalSkuKey`); unmapped ones are absent. One statement for any number of accounts.
 */
export async function internalSkusOf(
  db: Kysely<Database>,
  wanted: ReadonlyArray<{
    readonly channel: ChannelId
    readonly accountId: string
    readonly channelSku: string
  }>,
): Promise<Map<string, string>> {
  if (wanted.length === 0) return new Map()
  const param = JSON.stringify(
    wanted.map((w) => ({ channel: w.channel, account_id: w.accountId, channel_sku: w.channelSku })),
  )
  const { rows } = await sql<{
    channel: string
    account_id: string
    channel_sku: string
    sku: string
  }>`
    select distinct l.channel, l.account_id, l.channel_sku, l.sku
      from listing l
      join json_to_recordset(${param}::json) as k(channel text, account_id text, channel_sku text)
        on l.channel = k.channel and l.account_id = k.account_id and l.channel_sku = k.channel_sku
     -- the (channel, account_id, channel_sku) index, whatever the planner guesses about the json rows
     where l.channel = any(${[...new Set(wanted.map((w) => w.channel))]}::text[])
       and l.account_id = any(${[...new Set(wanted.map((w) => w.accountId))]}::text[])
       and l.channel_sku = any(${[...new Set(wanted.map((w) => w.channelSku))]}::text[])`.execute(
    db,
  )
  return new Map(rows.map((r) => [internalSkuKey(r.channel, r.account_id, r.channel_sku), r.sku]))
}

/** The key of `internalSkusOf`'s answer. */
export function internalSkuKey(channel: string, accountId: string, channelSku: string): string {
  return `${channel}\u001f${accountId}\u001f${channelSku}`
}

export interface ListingRoute {
  readonly id: string
  readonly channel: ChannelId
  readonly account_id: string
  readonly sku: string
}

/** Every listing of the SKUs: where their stock is pushed. */
export async function listingsOfSkus(
  db: Kysely<Database>,
  skus: readonly string[],
): Promise<ListingRoute[]> {
  if (skus.length === 0) return []
  return db
    .selectFrom('listing')
    .select(['id', 'channel', 'account_id', 'sku'])
    .where('sku', 'in', [...new Set(skus)])
    .orderBy('id')
    .execute()
}

/** Every listing, optionally of one SKU or account, in id order (reconciliation, `GET /v1/listings`). */
export async function listListings(
  db: Kysely<Database>,
  filter: { sku?: string; channel?: ChannelId; accountId?: string } = {},
): Promise<Listing[]> {
  let q = db.selectFrom('listing').selectAll().orderBy('id')
  if (filter.sku !== undefined) q = q.where('sku', '=', filter.sku)
  if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel)
  if (filter.accountId !== undefined) q = q.where('account_id', '=', filter.accountId)
  return q.execute()
}

/** A listing with its SKU's current stock, read when a push or a check runs. */
export async function readListingWithStock(
  db: Kysely<Database>,
  id: string,
): Promise<(Listing & { ats: number | null }) | undefined> {
  return db
    .selectFrom('listing')
    .leftJoin('inventory_item', 'inventory_item.sku', 'listing.sku')
    .selectAll('listing')
    .select('inventory_item.ats')
    .where('listing.id', '=', id)
    .executeTakeFirst()
}

/** The listing of a unit a channel report names, locked for the rest of the transaction. */
export async function lockListingByUnit(
  trx: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
  unitKey: string,
): Promise<Listing | undefined> {
  return trx
    .selectFrom('listing')
    .selectAll()
    .where('channel', '=', account.channel)
    .where('account_id', '=', account.accountId)
    .where('unit_key', '=', unitKey)
    .forUpdate()
    .executeTakeFirst()
}

export interface PushRecord {
  readonly status: SentPushStatus
  /** The quantity the channel was told; absent when the push failed or was not sent. */
  readonly quantity?: number
  readonly error?: string
  readonly at: Date
  /**
   * Keep the write counted as offered (`inflight_quantity`): it failed in a way that leaves
   * unknown whether the channel applied it (a timeout, a 5xx).
   */
  readonly keepInflight?: boolean
  /**
   * When the channel was read just before the write: the units the account had committed when
   * the hub's belief was taken, plus the sales the read showed that the hub had not heard of (it
   * offered fewer than believed). Their orders, when they arrive, must not lower what the hub
   * believes the channel offers a second time. Without a read, the units committed now: any sale
   * heard by now is taken to have come before the write.
   */
  readonly committedAtBase?: number
  /** From the read before the write to its answer (see `race_from`); absent without a read. */
  readonly race?: { readonly from: Date; readonly to: Date }
  /** What the push was computed from, kept in its `stock_push` row (lineage, issue #18). */
  readonly basis?: PushBasis
}

/** The SKU's available-to-sell a push was planned from, and the quantity planned. */
export interface PushBasis {
  readonly ats: number
  readonly planned: number
}

/**
 * Records a push attempt's outcome on its listing. A quantity the channel was told becomes what
 * it offers, as of the units the account had committed at that moment (`committed_at_base`).
 * The same statement appends the outcome to `stock_push` (the SKU's history), so keeping the
 * history costs no round trip.
 */
export async function recordPush(
  db: Kysely<Database>,
  id: string,
  push: PushRecord,
): Promise<void> {
  await db
    .with('pushed', (qc) =>
      qc
        .updateTable('listing')
        .set({
          last_push_attempt_at: push.at,
          last_push_status: push.status,
          last_push_error: push.error ?? null,
          ...(push.keepInflight ? {} : { inflight_quantity: null }),
          ...(push.quantity !== undefined
            ? {
                last_pushed_quantity: push.quantity,
                last_pushed_at: push.at,
                offered_base: push.quantity,
                committed_at_base: push.committedAtBase ?? committedNow,
                race_from: push.race?.from ?? null,
                race_to: push.race?.to ?? null,
              }
            : {}),
        })
        .where('id', '=', id)
        .returning(['id', 'sku', 'channel', 'account_id']),
    )
    .insertInto('stock_push')
    .columns([
      'listing_id',
      'sku',
      'channel',
      'account_id',
      'status',
      'quantity',
      'error',
      'ats',
      'planned',
      'at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('pushed')
        .select([
          'pushed.id',
          'pushed.sku',
          'pushed.channel',
          'pushed.account_id',
          sql<string>`${push.status}::text`.as('status'),
          sql<number | null>`${push.quantity ?? null}::integer`.as('quantity'),
          sql<string | null>`${push.error ?? null}::text`.as('error'),
          sql<number | null>`${push.basis?.ats ?? null}::integer`.as('ats'),
          sql<number | null>`${push.basis?.planned ?? null}::integer`.as('planned'),
          sql<Date>`${push.at}::timestamptz`.as('at'),
        ]),
    )
    .execute()
}

/**
 * `recordPush` for many listings in one statement (a bulk push's results): each row as
 * `recordPush` would write it, `committed_at_base` included (the value given, or the units its
 * account has committed now), and each appended to `stock_push` in the same statement.
 */
export async function recordPushes(
  db: Kysely<Database>,
  records: ReadonlyArray<{ readonly id: string } & PushRecord>,
): Promise<void> {
  if (records.length === 0) return
  const rows = JSON.stringify(
    records.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      status: r.status,
      error: r.error ?? null,
      keep: r.keepInflight === true,
      quantity: r.quantity ?? null,
      base: r.committedAtBase ?? null,
      race_from: r.race?.from.toISOString() ?? null,
      race_to: r.race?.to.toISOString() ?? null,
      ats: r.basis?.ats ?? null,
      planned: r.basis?.planned ?? null,
    })),
  )
  // A row without a quantity leaves what the channel was last told as it was.
  await sql`
    with v as (
      select * from json_to_recordset(${rows}::json) as v(id bigint, at timestamptz, status text,
             error text, keep boolean, quantity integer, base integer, race_from timestamptz,
             race_to timestamptz, ats integer, planned integer)
    ), pushed as (
    update listing set
      last_push_attempt_at = v.at,
      last_push_status = v.status,
      last_push_error = v.error,
      inflight_quantity = case when v.keep then listing.inflight_quantity end,
      last_pushed_quantity = coalesce(v.quantity, listing.last_pushed_quantity),
      last_pushed_at = case when v.quantity is null then listing.last_pushed_at else v.at end,
      offered_base = coalesce(v.quantity, listing.offered_base),
      committed_at_base = case when v.quantity is null then listing.committed_at_base
                               else coalesce(v.base, ${committedNow}) end,
      race_from = case when v.quantity is null then listing.race_from else v.race_from end,
      race_to = case when v.quantity is null then listing.race_to else v.race_to end
      from v
     where listing.id = v.id
    returning listing.id, listing.sku, listing.channel, listing.account_id
    )
    insert into stock_push (listing_id, sku, channel, account_id, status, quantity, error, ats, planned, at)
    select p.id, p.sku, p.channel, p.account_id, v.status, v.quantity, v.error, v.ats, v.planned, v.at
      from pushed p join v on v.id = p.id`.execute(db)
}

/**
 * Records that a push ran and sent nothing: the channel offers what it should, or (`held`) must
 * not be told anything yet, and why.
 */
export async function recordPushNotSent(
  db: Kysely<Database>,
  id: string,
  at: Date,
  held?: { readonly status: 'held' | 'not-live'; readonly reason: string },
): Promise<void> {
  await db
    .updateTable('listing')
    .set({
      last_push_attempt_at: at,
      ...(held ? { last_push_status: held.status, last_push_error: held.reason } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/** `recordPushNotSent` for many listings in one statement. */
export async function recordPushesNotSent(
  db: Kysely<Database>,
  records: ReadonlyArray<{
    readonly id: string
    readonly at: Date
    readonly held?: { readonly status: 'held' | 'not-live'; readonly reason: string }
  }>,
): Promise<void> {
  if (records.length === 0) return
  const rows = JSON.stringify(
    records.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      status: r.held?.status ?? null,
      reason: r.held?.reason ?? null,
    })),
  )
  await sql`
    update listing set
      last_push_attempt_at = v.at,
      last_push_status = coalesce(v.status, listing.last_push_status),
      last_push_error = case when v.status is null then listing.last_push_error else v.reason end
      from json_to_recordset(${rows}::json) as v(id bigint, at timestamptz, status text, reason text)
     where listing.id = v.id`.execute(db)
}

/** Records a channel's own report of a listing's quantity. */
export async function recordReport(
  db: Kysely<Database>,
  id: string,
  report: { readonly quantity: number; readonly at: Date; readonly echo: boolean },
): Promise<void> {
  await db
    .updateTable('listing')
    .set({
      last_reported_quantity: report.quantity,
      last_reported_at: report.at,
      last_report_echo: report.echo,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Records what the hub itself just read from the channel as the listing's base: `offeredBase` is
 * the quantity read, and `committedAtBase` the committed units it is measured against, which may
 * run ahead of the units heard by sales the read showed before their orders arrived (computed by
 * `channelReadBase`, src/inventory/allocation.ts), so those orders do not lower the belief again.
 */
export async function recordChannelRead(
  db: Kysely<Database>,
  id: string,
  base: { readonly offeredBase: number; readonly committedAtBase: number },
): Promise<void> {
  await db
    .updateTable('listing')
    .set({ offered_base: base.offeredBase, committed_at_base: base.committedAtBase })
    .where('id', '=', id)
    .execute()
}

/** Records what reconciliation read from the channel, and the drift from what was expected. */
export async function recordCheck(
  db: Kysely<Database>,
  id: string,
  check: { readonly quantity: number | null; readonly drift: number; readonly at: Date },
): Promise<void> {
  await db
    .updateTable('listing')
    .set({
      last_checked_quantity: check.quantity,
      last_checked_at: check.at,
      last_drift: check.drift,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * A write in flight this long has lost its job: longer than the longest feed wait (Walmart's 45
 * minutes, connectors/walmart/feeds.ts), so only a process that died while it was out leaves one.
 */
export const STUCK_INFLIGHT_MS = 60 * 60_000

/**
 * Listings whose SKU's ats (or whose own mapping) changed after their last push attempt, longer
 * than `graceMs` ago: their push job was lost (Redis restarted, the enqueue after commit failed);
 * and listings whose write has been in flight for `STUCK_INFLIGHT_MS` (a bulk job's process died
 * while its feed was out: the listings it had taken from the queue have no job).
 */
export async function listingsAwaitingPush(
  db: Kysely<Database>,
  graceMs: number,
  limit: number,
): Promise<ListingRoute[]> {
  return db
    .selectFrom('listing')
    .innerJoin('inventory_item', 'inventory_item.sku', 'listing.sku')
    .select(['listing.id', 'listing.channel', 'listing.account_id', 'listing.sku'])
    .where(
      sql<boolean>`(greatest(inventory_item.ats_changed_at, listing.updated_at)
          > coalesce(listing.last_push_attempt_at, '-infinity'::timestamptz)
        and greatest(inventory_item.ats_changed_at, listing.updated_at)
          < now() - make_interval(secs => ${graceMs / 1000}))
        or (listing.inflight_quantity is not null
          and listing.last_push_attempt_at < now() - make_interval(secs => ${STUCK_INFLIGHT_MS / 1000}))`,
    )
    .orderBy('listing.id')
    .limit(limit)
    .execute()
}
