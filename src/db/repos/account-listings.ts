import type { Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, Listing } from '../schema.js'

/** Every listing of one account with its SKU's ats (null: no ledger row), in id order. */
export async function accountListingsWithStock(
  db: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
): Promise<Array<Listing & { ats: number | null }>> {
  return db
    .selectFrom('listing')
    .leftJoin('inventory_item', 'inventory_item.sku', 'listing.sku')
    .selectAll('listing')
    .select('inventory_item.ats')
    .where('listing.channel', '=', account.channel)
    .where('listing.account_id', '=', account.accountId)
    .orderBy('listing.id')
    .execute()
}

/**
 * Records the quantity an adopt read from the channel as the listing's checked quantity. No
 * comparison was made, so the drift is cleared rather than left from an older check.
 */
export async function recordAdoptedRead(
  db: Kysely<Database>,
  listingId: string,
  read: { readonly quantity: number | null; readonly at: Date },
): Promise<void> {
  await db
    .updateTable('listing')
    .set({ last_checked_quantity: read.quantity, last_checked_at: read.at, last_drift: null })
    .where('id', '=', listingId)
    .execute()
}
