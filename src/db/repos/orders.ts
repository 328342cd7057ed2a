import { sql, type Kysely } from 'kysely'
import type { ChannelId, OrderSnapshot } from '../../events/index.js'
import type { Database, OrderFoundBy } from '../schema.js'

export interface OrderKey {
  readonly channel: ChannelId
  readonly accountId: string
  readonly externalId: string
}

/** One string per order, for maps and sorting. */
export function orderKeyString(key: OrderKey): string {
  return `${key.channel}\u001f${key.accountId}\u001f${key.externalId}`
}

export interface OrderWrite {
  readonly key: OrderKey
  readonly snapshot: OrderSnapshot
  readonly inboxId: string
  /** How the snapshot reached the hub, kept when it creates the order; `webhook` when absent. */
  readonly foundBy?: OrderFoundBy
}

/*
 * The batch statements below take their rows as one `json` parameter (json_to_recordset), so each
 * has one text whatever the batch size: prepared once per connection, and one round trip for any
 * number of orders. Where they look orders up, `= any(...)` on each key column beside the join
 * makes the planner use the key's index whatever it guesses about the json rows or the table's
 * size (a plan cached while the table was small would otherwise scan it on every call).
 */

/** Each key column's distinct values, for the `= any(...)` index conditions. */
function keyColumns(keys: readonly OrderKey[]) {
  return {
    channels: [...new Set(keys.map((k) => k.channel))],
    accounts: [...new Set(keys.map((k) => k.accountId))],
    externalIds: [...new Set(keys.map((k) => k.externalId))],
  }
}

const orderRows = (rows: readonly OrderWrite[]) =>
  JSON.stringify(
    rows.map((r) => ({
      channel: r.key.channel,
      account_id: r.key.accountId,
      external_id: r.key.externalId,
      status: r.snapshot.status,
      channel_updated_at: r.snapshot.updatedAt,
      snapshot: r.snapshot,
      last_inbox_id: r.inboxId,
      found_by: r.foundBy ?? 'webhook',
    })),
  )

/**
 * Inserts the orders that have no row yet and returns the keys it inserted. A key that exists
 * (committed, or inserted by a transaction this one then waits for) is left alone; the caller
 * locks and compares it. Keys must be distinct and are inserted in key order, so two batches never
 * wait on each other's new rows in a cycle.
 */
export async function insertOrders(
  trx: Kysely<Database>,
  rows: readonly OrderWrite[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const sorted = [...rows].sort((a, b) => compare(orderKeyString(a.key), orderKeyString(b.key)))
  const { rows: inserted } = await sql<{
    channel: ChannelId
    account_id: string
    external_id: string
  }>`
    insert into sales_order (channel, account_id, external_id, status, channel_updated_at, snapshot, last_inbox_id, found_by)
    select r.channel, r.account_id, r.external_id, r.status, r.channel_updated_at, r.snapshot, r.last_inbox_id, r.found_by
      from json_to_recordset(${orderRows(sorted)}::json) as r(channel text, account_id text,
           external_id text, status text, channel_updated_at timestamptz, snapshot jsonb, last_inbox_id bigint,
           found_by text)
    on conflict (channel, account_id, external_id) do nothing
    returning channel, account_id, external_id`.execute(trx)
  return new Set(
    inserted.map((r) =>
      orderKeyString({ channel: r.channel, accountId: r.account_id, externalId: r.external_id }),
    ),
  )
}

/**
 * The stored snapshots of existing orders, each locked until the transaction ends (in key order,
 * so batches that share orders never deadlock). Creates nothing.
 */
export async function lockOrders(
  trx: Kysely<Database>,
  keys: readonly OrderKey[],
): Promise<Map<string, OrderSnapshot>> {
  if (keys.length === 0) return new Map()
  const param = JSON.stringify(
    keys.map((k) => ({ channel: k.channel, account_id: k.accountId, external_id: k.externalId })),
  )
  const { channels, accounts, externalIds } = keyColumns(keys)
  const { rows } = await sql<{
    channel: ChannelId
    account_id: string
    external_id: string
    snapshot: OrderSnapshot
  }>`
    select o.channel, o.account_id, o.external_id, o.snapshot
      from sales_order o
      join json_to_recordset(${param}::json) as k(channel text, account_id text, external_id text)
        on o.channel = k.channel and o.account_id = k.account_id and o.external_id = k.external_id
     where o.channel = any(${channels}::text[]) and o.account_id = any(${accounts}::text[])
       and o.external_id = any(${externalIds}::text[])
     order by o.channel, o.account_id, o.external_id
       for update of o`.execute(trx)
  return new Map(
    rows.map((r) => [
      orderKeyString({ channel: r.channel, accountId: r.account_id, externalId: r.external_id }),
      r.snapshot,
    ]),
  )
}

/** Stores new snapshots of orders the caller has locked. */
export async function updateOrders(
  trx: Kysely<Database>,
  rows: readonly OrderWrite[],
): Promise<void> {
  if (rows.length === 0) return
  const { channels, accounts, externalIds } = keyColumns(rows.map((r) => r.key))
  await sql`
    update sales_order o
       set status = r.status, channel_updated_at = r.channel_updated_at, snapshot = r.snapshot,
           last_inbox_id = r.last_inbox_id, updated_at = now()
      from json_to_recordset(${orderRows(rows)}::json) as r(channel text, account_id text,
           external_id text, status text, channel_updated_at timestamptz, snapshot jsonb, last_inbox_id bigint)
     where o.channel = any(${channels}::text[]) and o.account_id = any(${accounts}::text[])
       and o.external_id = any(${externalIds}::text[])
       and o.channel = r.channel and o.account_id = r.account_id and o.external_id = r.external_id`.execute(
    trx,
  )
}

/** Code-unit order, the same in every process (never locale-dependent). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The channel update time of each of these orders the hub holds (absent: not held). */
export async function heldUpdateTimes(
  db: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
  externalIds: readonly string[],
): Promise<Map<string, Date>> {
  if (externalIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('sales_order')
    .select(['external_id', 'channel_updated_at'])
    .where('channel', '=', account.channel)
    .where('account_id', '=', account.accountId)
    .where('external_id', 'in', [...externalIds])
    .execute()
  return new Map(rows.map((r) => [r.external_id, r.channel_updated_at]))
}

/** The stored order of `key`: its latest snapshot and how it reached the hub. */
export function getOrder(db: Kysely<Database>, key: OrderKey) {
  return db
    .selectFrom('sales_order')
    .select([
      'id',
      'status',
      'channel_updated_at',
      'snapshot',
      'found_by',
      'created_at',
      'updated_at',
      'last_inbox_id',
    ])
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .where('external_id', '=', key.externalId)
    .executeTakeFirst()
}

/**
 * The orders of any of `accounts` with the channel order id `externalId`: one lookup of the
 * (channel, account_id, external_id) key per account.
 */
export async function findOrdersById(
  db: Kysely<Database>,
  accounts: readonly { readonly channel: ChannelId; readonly id: string }[],
  externalId: string,
): Promise<OrderKey[]> {
  if (accounts.length === 0) return []
  const rows = await db
    .selectFrom('sales_order')
    .select(['channel', 'account_id', 'external_id'])
    .where((eb) =>
      eb.or(
        accounts.map((a) =>
          eb.and([
            eb('channel', '=', a.channel),
            eb('account_id', '=', a.id),
            eb('external_id', '=', externalId),
          ]),
        ),
      ),
    )
    .orderBy('channel')
    .orderBy('account_id')
    .execute()
  return rows.map((r) => ({
    channel: r.channel,
    accountId: r.account_id,
    externalId: r.external_id,
  }))
}
