import { sql, type Kysely } from 'kysely'
import type { Database, Listing } from '../schema.js'

/** A listing with the units its account committed of the SKU: all, and in the recent window. */
export interface ListingForAllocation extends Listing {
  readonly committed: number
  readonly recent: number
  /** Units of orders the channel placed between the read before the last write and its answer. */
  readonly raced: number
}

export interface SkuForAllocation {
  /** Absent when nothing (no level, no order) has named the SKU yet. */
  readonly item: { readonly ats: number; readonly on_hand_known: boolean } | undefined
  readonly listings: ListingForAllocation[]
}

/**
 * Serialises allocation decisions about one SKU for the rest of the transaction: the pushes of
 * its listings run in different accounts' queues, and each must see what the others have in
 * flight. A transaction-level advisory lock, so the ledger's row locks are never waited on.
 */
export async function lockAllocation(trx: Kysely<Database>, sku: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`allocation:${sku}`}, 0))`.execute(trx)
}

/** The allocation's time spans (see `readSkusForAllocation`). */
export interface AllocationReadWindow {
  readonly recentSeconds: number
  /**
   * How far the channel's order times and the hub's clock may disagree: a write's race span is
   * widened by this much on each side (`STOCK_ORDER_CLOCK_SKEW_MS`).
   */
  readonly skewSeconds: number
}

/**
 * The SKU's available-to-sell and every listing of it, each with the units its account's orders
 * committed (held plus shipped: shipping does not give a unit back to the channel; a
 * cancellation does) in all and within the last `recentSeconds`.
 */
export async function readSkuForAllocation(
  db: Kysely<Database>,
  sku: string,
  window: AllocationReadWindow,
): Promise<SkuForAllocation> {
  return (await readSkusForAllocation(db, [sku], window)).get(sku)!
}

/**
 * `readSkuForAllocation` for many SKUs in two statements (a bulk push plans a whole call's worth
 * of listings at once); every SKU asked for has an entry, its listings in id order.
 */
export async function readSkusForAllocation(
  db: Kysely<Database>,
  skus: readonly string[],
  window: AllocationReadWindow,
): Promise<Map<string, SkuForAllocation>> {
  const { recentSeconds, skewSeconds } = window
  const wanted = [...new Set(skus)]
  const found = new Map<string, SkuForAllocation>(
    wanted.map((sku) => [sku, { item: undefined, listings: [] }]),
  )
  if (wanted.length === 0) return found
  const one = wanted.length === 1
  // `=` for one SKU keeps the single push's plan (and its statement) as it was.
  const items = await db
    .selectFrom('inventory_item')
    .select(['sku', 'ats', 'on_hand_known'])
    .where('sku', '=', one ? wanted[0]! : sql<string>`any(${wanted}::text[])`)
    .execute()
  for (const { sku, ats, on_hand_known } of items)
    found.set(sku, { item: { ats, on_hand_known }, listings: [] })
  const { rows } = await sql<ListingForAllocation>`
    select l.*, coalesce(c.committed, 0)::integer as committed, coalesce(c.recent, 0)::integer as recent,
           coalesce(w.raced, 0)::integer as raced
      from listing l
      left join lateral (
        select sum(r.held + r.consumed) as committed,
               sum(r.held + r.consumed) filter (
                 where r.updated_at > now() - make_interval(secs => ${recentSeconds})) as recent
          from reservation r
         where r.sku = l.sku and r.channel = l.channel and r.account_id = l.account_id) c on true
      left join lateral (
        select sum(r.held + r.consumed) as raced
          from reservation r
          join sales_order o
            on o.channel = r.channel and o.account_id = r.account_id and o.external_id = r.order_id
         where l.race_from is not null
           and r.sku = l.sku and r.channel = l.channel and r.account_id = l.account_id
           and (o.snapshot->>'placedAt')::timestamptz
               between l.race_from - make_interval(secs => ${skewSeconds})
                   and l.race_to + make_interval(secs => ${skewSeconds})) w on true
     where ${one ? sql`l.sku = ${wanted[0]!}` : sql`l.sku = any(${wanted}::text[])`}`.execute(db)
  // Ordered here, not by the statement: with `order by l.id`, a generic plan whose estimates were
  // behind a bulk insert walked the whole primary key instead of the SKU index.
  rows.sort((a, b) => compareIds(a.id, b.id))
  for (const row of rows) found.get(row.sku)?.listings.push(row)
  return found
}

/**
 * `lockAllocation` for many SKUs in one statement, in sorted order: two batches sharing SKUs take
 * them in the same order and so cannot deadlock (a single push takes one lock).
 */
export async function lockAllocations(
  trx: Kysely<Database>,
  skus: readonly string[],
): Promise<void> {
  const sorted = [...new Set(skus)].sort()
  if (sorted.length === 0) return
  // A function scan over the array yields its elements in order, so the locks are taken in it.
  await sql`select pg_advisory_xact_lock(hashtextextended('allocation:' || s, 0))
              from unnest(${sorted}::text[]) as s`.execute(trx)
}

/**
 * Marks a write as sent: until confirmed, the allocation counts it as offered. The attempt begins
 * now, so the sweeper does not take the listing for one whose push was lost while a slow write (a
 * feed awaited for minutes) is still out.
 */
export async function markInflight(
  trx: Kysely<Database>,
  listingId: string,
  quantity: number,
): Promise<void> {
  await trx
    .updateTable('listing')
    .set({ inflight_quantity: quantity, last_push_attempt_at: sql`now()` })
    .where('id', '=', listingId)
    .execute()
}

/** `markInflight` for many writes in one statement. */
export async function markInflights(
  trx: Kysely<Database>,
  writes: ReadonlyArray<{ readonly id: string; readonly quantity: number }>,
): Promise<void> {
  if (writes.length === 0) return
  await sql`update listing set inflight_quantity = v.q, last_push_attempt_at = now()
              from unnest(${writes.map((w) => w.id)}::bigint[], ${writes.map((w) => w.quantity)}::integer[]) as v(id, q)
             where listing.id = v.id`.execute(trx)
}

/** The units the listing's account has committed of its SKU now, for `committed_at_base`. */
export const committedNow = sql<number>`(
  select coalesce(sum(r.held + r.consumed), 0)::integer from reservation r
   where r.sku = listing.sku and r.channel = listing.channel and r.account_id = listing.account_id)`

/** The SKU of a listing, or undefined when the listing is gone (deleted since its job was queued). */
export async function skuOfListing(
  db: Kysely<Database>,
  listingId: string,
): Promise<{ readonly sku: string } | undefined> {
  return db.selectFrom('listing').select('sku').where('id', '=', listingId).executeTakeFirst()
}

/** Bigint ids as PostgreSQL orders them (they arrive as strings). */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
