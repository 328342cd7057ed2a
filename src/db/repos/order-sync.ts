import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, OrderSync, OrderSyncKind } from '../schema.js'

export interface SyncKey {
  readonly channel: ChannelId
  readonly accountId: string
  readonly kind: OrderSyncKind
}

export interface Window {
  readonly from: Date
  readonly to: Date
}

export type Claim =
  /** This owner holds the run (new or resumed) until `lease_until`. */
  | { readonly kind: 'claimed'; readonly row: OrderSync; readonly resumed: boolean }
  /** Another process holds the run. */
  | { readonly kind: 'busy'; readonly row: OrderSync }
  /** No run in progress and none to start (the window would be empty). */
  | { readonly kind: 'idle'; readonly row: OrderSync | undefined }

const where = (key: SyncKey) =>
  sql`channel = ${key.channel} and account_id = ${key.accountId} and kind = ${key.kind}`

/** The row of `key`, created when missing, locked until the transaction ends. */
async function lockRow(trx: Kysely<Database>, key: SyncKey): Promise<OrderSync> {
  await sql`
    insert into order_sync (channel, account_id, kind) values (${key.channel}, ${key.accountId}, ${key.kind})
    on conflict do nothing`.execute(trx)
  const { rows } =
    await sql<OrderSync>`select * from order_sync where ${where(key)} for update`.execute(trx)
  return rows[0]!
}

/**
 * Takes the lease of the account's run of `key.kind`: the run in progress if there is one (a
 * process died, or the last attempt failed), else a new one over the window `next` gives from
 * the row (undefined: nothing to read). One process at a time: a lease not yet expired is
 * another's.
 */
export async function claimRun(
  db: Kysely<Database>,
  key: SyncKey,
  opts: {
    readonly owner: string
    readonly now: Date
    readonly leaseMs: number
    readonly next: (row: OrderSync) => Window | undefined
  },
): Promise<Claim> {
  return db.transaction().execute(async (trx) => {
    const row = await lockRow(trx, key)
    const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs)
    if (row.lease_until && row.lease_until > opts.now && row.lease_owner !== opts.owner)
      return { kind: 'busy', row }
    if (row.window_from !== null) {
      const taken = await sql<OrderSync>`
        update order_sync set lease_owner = ${opts.owner}, lease_until = ${leaseUntil}, updated_at = now()
         where ${where(key)} returning *`.execute(trx)
      return { kind: 'claimed', row: taken.rows[0]!, resumed: true }
    }
    const window = opts.next(row)
    if (!window || window.to <= window.from) return { kind: 'idle', row }
    const started = await sql<OrderSync>`
      update order_sync
         set window_from = ${window.from}, window_to = ${window.to}, page = null, pages = 0,
             orders_read = 0, reached = null, started_at = ${opts.now}, lease_owner = ${opts.owner},
             lease_until = ${leaseUntil}, updated_at = now()
       where ${where(key)} returning *`.execute(trx)
    return { kind: 'claimed', row: started.rows[0]!, resumed: false }
  })
}

/**
 * Records a page read and committed to the inbox: the next page's cursor, progress, a renewed
 * lease. False when this owner no longer holds the run (its lease expired and another took it):
 * the caller stops.
 */
export async function recordPage(
  db: Kysely<Database>,
  key: SyncKey,
  owner: string,
  page: {
    readonly next: string | null
    readonly orders: number
    readonly reached: Date | null
    readonly leaseUntil: Date
  },
): Promise<boolean> {
  const { rows } = await sql<{ ok: number }>`
    update order_sync
       set page = ${page.next}, pages = pages + 1, orders_read = orders_read + ${page.orders},
           reached = greatest(reached, ${page.reached}::timestamptz), lease_until = ${page.leaseUntil},
           last_error = null, updated_at = now()
     where ${where(key)} and lease_owner = ${owner} and window_from is not null
    returning 1 as ok`.execute(db)
  return rows.length === 1
}

/** Renews the lease while the run waits (a rate limit); false when it is no longer this owner's. */
export async function renewLease(
  db: Kysely<Database>,
  key: SyncKey,
  owner: string,
  leaseUntil: Date,
): Promise<boolean> {
  const { rows } = await sql<{ ok: number }>`
    update order_sync set lease_until = ${leaseUntil}, updated_at = now()
     where ${where(key)} and lease_owner = ${owner} returning 1 as ok`.execute(db)
  return rows.length === 1
}

/**
 * Ends the run: every page was read and committed. The sync's watermark moves to the window's
 * end (never back). Returns the window the run covered; undefined when this owner no longer
 * held the run.
 */
export async function finishRun(
  db: Kysely<Database>,
  key: SyncKey,
  owner: string,
  now: Date,
): Promise<{ readonly window: Window; readonly ordersRead: number } | undefined> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<OrderSync>`
      select * from order_sync
       where ${where(key)} and lease_owner = ${owner} and window_from is not null
      for update`.execute(trx)
    const row = rows[0]
    if (!row) return undefined
    await sql`
      update order_sync
         set watermark = case when kind = 'sync' then greatest(watermark, window_to) else watermark end,
             last_orders_read = orders_read, finished_at = ${now}, window_from = null,
             window_to = null, page = null, lease_owner = null, lease_until = null,
             last_error = null, updated_at = now()
       where ${where(key)}`.execute(trx)
    return {
      window: { from: row.window_from!, to: row.window_to! },
      ordersRead: row.orders_read,
    }
  })
}

/** The run failed this attempt: say why, and let it go (the next attempt resumes it). */
export async function failRun(
  db: Kysely<Database>,
  key: SyncKey,
  owner: string,
  error: string,
  now: Date,
): Promise<void> {
  await sql`
    update order_sync
       set last_error = ${error}, last_error_at = ${now}, lease_owner = null, lease_until = null,
           updated_at = now()
     where ${where(key)} and lease_owner = ${owner}`.execute(db)
}

/** Gives the scheduled sync a first watermark, when it has none (a backfill reached `at`). */
export async function seedWatermark(
  db: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
  at: Date,
): Promise<void> {
  await sql`
    insert into order_sync (channel, account_id, kind, watermark)
    values (${account.channel}, ${account.accountId}, 'sync', ${at})
    on conflict (channel, account_id, kind) do update
       set watermark = coalesce(order_sync.watermark, excluded.watermark), updated_at = now()`.execute(
    db,
  )
}

/**
 * Starts a backfill over `window` unless one is in progress, which is returned as it is (an
 * operator asking again, or a crashed CLI run being resumed).
 */
export async function startBackfill(
  db: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
  window: Window,
  requestedBy: string,
): Promise<{ readonly row: OrderSync; readonly started: boolean }> {
  return db.transaction().execute(async (trx) => {
    const key = { ...account, kind: 'backfill' as const }
    const row = await lockRow(trx, key)
    if (row.window_from !== null) return { row, started: false }
    const started = await sql<OrderSync>`
      update order_sync
         set window_from = ${window.from}, window_to = ${window.to}, page = null, pages = 0,
             orders_read = 0, reached = null, started_at = now(), requested_by = ${requestedBy},
             lease_owner = null, lease_until = null, last_error = null, updated_at = now()
       where ${where(key)} returning *`.execute(trx)
    return { row: started.rows[0]!, started: true }
  })
}

export async function getOrderSync(
  db: Kysely<Database>,
  key: SyncKey,
): Promise<OrderSync | undefined> {
  const { rows } = await sql<OrderSync>`select * from order_sync where ${where(key)}`.execute(db)
  return rows[0]
}

export async function listOrderSync(db: Kysely<Database>): Promise<OrderSync[]> {
  const { rows } = await sql<OrderSync>`
    select * from order_sync order by channel, account_id, kind`.execute(db)
  return rows
}

/**
 * Runs with work left whose lease has lapsed: their jobs may be gone (a Redis restart). A run
 * whose last attempt failed waits `failedBackoffMs` after it, so a channel that keeps refusing is
 * not asked again at every sweep.
 */
export async function unfinishedRuns(
  db: Kysely<Database>,
  now: Date,
  failedBackoffMs: number,
): Promise<SyncKey[]> {
  const retryAfter = new Date(now.getTime() - failedBackoffMs)
  const { rows } = await sql<{ channel: ChannelId; account_id: string; kind: OrderSyncKind }>`
    select channel, account_id, kind from order_sync
     where window_from is not null and (lease_until is null or lease_until < ${now})
       and (last_error_at is null or last_error_at < ${retryAfter})`.execute(db)
  return rows.map((r) => ({ channel: r.channel, accountId: r.account_id, kind: r.kind }))
}

/** Orders order sync found that no webhook had brought, per account and kind, with the latest ids. */
export async function ordersFoundByPolling(
  db: Kysely<Database>,
  latest: number,
): Promise<
  {
    channel: ChannelId
    account_id: string
    found_by: OrderSyncKind
    count: number
    latest: string[]
  }[]
> {
  const { rows } = await sql<{
    channel: ChannelId
    account_id: string
    found_by: OrderSyncKind
    count: string
    latest: string[]
  }>`
    select channel, account_id, found_by, count(*) as count,
           (array_agg(external_id order by created_at desc))[1:${latest}] as latest
      from sales_order where found_by <> 'webhook'
     group by channel, account_id, found_by`.execute(db)
  return rows.map((r) => ({ ...r, count: Number(r.count) }))
}
