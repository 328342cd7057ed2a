import type { Kysely } from 'kysely'
import type { ChannelId, OrderSnapshot } from '../../events/index.js'
import type { Database } from '../schema.js'

export interface OrderKey {
  readonly channel: ChannelId
  readonly accountId: string
  readonly externalId: string
}

/** The stored snapshot of an order, locked until the transaction ends. Creates nothing. */
export async function lockOrder(
  trx: Kysely<Database>,
  key: OrderKey,
): Promise<OrderSnapshot | undefined> {
  const row = await trx
    .selectFrom('sales_order')
    .select('snapshot')
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .where('external_id', '=', key.externalId)
    .forUpdate()
    .executeTakeFirst()
  return row?.snapshot as OrderSnapshot | undefined
}

/**
 * Inserts the order if no row exists yet; returns false if one does (committed, or inserted by a
 * transaction this one then waits for). The caller must then lock and compare.
 */
export async function insertOrder(
  trx: Kysely<Database>,
  key: OrderKey,
  snapshot: OrderSnapshot,
  inboxId: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('sales_order')
    .values({
      channel: key.channel,
      account_id: key.accountId,
      external_id: key.externalId,
      status: snapshot.status,
      channel_updated_at: snapshot.updatedAt,
      snapshot: JSON.stringify(snapshot),
      last_inbox_id: inboxId,
    })
    .onConflict((oc) => oc.columns(['channel', 'account_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function updateOrder(
  trx: Kysely<Database>,
  key: OrderKey,
  snapshot: OrderSnapshot,
  inboxId: string,
): Promise<void> {
  await trx
    .updateTable('sales_order')
    .set({
      status: snapshot.status,
      channel_updated_at: snapshot.updatedAt,
      snapshot: JSON.stringify(snapshot),
      last_inbox_id: inboxId,
      updated_at: new Date(),
    })
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .where('external_id', '=', key.externalId)
    .execute()
}
