import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, PushStatus } from '../schema.js'

/** One listing beside its SKU's available-to-sell: what was pushed, reported and checked. */
export interface StockRow {
  readonly listingId: string
  readonly sku: string
  readonly channel: ChannelId
  readonly accountId: string
  /** null: the SKU has no inventory row yet. */
  readonly ats: number | null
  readonly onHandKnown: boolean
  readonly pushed: number | null
  readonly pushedAt: Date | null
  readonly pushStatus: PushStatus | null
  readonly pushError: string | null
  readonly reported: number | null
  readonly reportedAt: Date | null
  readonly checked: number | null
  readonly checkedAt: Date | null
  readonly drift: number | null
}

/**
 * The `limit` listings with the largest drift at their last check (absolute), then by SKU, of the
 * SKUs starting with `skuPrefix` if given. Bounded by `limit` whatever the number of listings.
 */
export async function listingsByDrift(
  db: Kysely<Database>,
  opts: { readonly limit: number; readonly skuPrefix?: string | undefined },
): Promise<StockRow[]> {
  let q = db
    .selectFrom('listing as l')
    .leftJoin('inventory_item as i', 'i.sku', 'l.sku')
    .select([
      'l.id',
      'l.sku',
      'l.channel',
      'l.account_id',
      'i.ats',
      'i.on_hand_known',
      'l.last_pushed_quantity',
      'l.last_pushed_at',
      'l.last_push_status',
      'l.last_push_error',
      'l.last_reported_quantity',
      'l.last_reported_at',
      'l.last_checked_quantity',
      'l.last_checked_at',
      'l.last_drift',
    ])
    .orderBy(sql`abs(coalesce(l.last_drift, 0))`, 'desc')
    .orderBy('l.sku')
    .orderBy('l.id')
    .limit(opts.limit)
  if (opts.skuPrefix) {
    const escaped = opts.skuPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)
    q = q.where('l.sku', 'like', `${escaped}%`)
  }
  const rows = await q.execute()
  return rows.map((r) => ({
    listingId: r.id,
    sku: r.sku,
    channel: r.channel,
    accountId: r.account_id,
    ats: r.ats,
    onHandKnown: r.on_hand_known ?? false,
    pushed: r.last_pushed_quantity,
    pushedAt: r.last_pushed_at,
    pushStatus: r.last_push_status,
    pushError: r.last_push_error,
    reported: r.last_reported_quantity,
    reportedAt: r.last_reported_at,
    checked: r.last_checked_quantity,
    checkedAt: r.last_checked_at,
    drift: r.last_drift,
  }))
}
