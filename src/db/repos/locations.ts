import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database } from '../schema.js'
import { readLocationLevels, type LocationLevel } from './inventory.js'

/** A SKU's live reservations, summed by the location the order lines name and by channel account. */
export interface LocationReservation {
  /** As the channel names it (a hub location or a channel id of one); null: it names none. */
  readonly location: string | null
  readonly channel: ChannelId
  readonly accountId: string
  readonly units: number
}

/** A listing of the SKU as placing its unnamed reservations needs it. */
export interface LocationListing {
  readonly channel: ChannelId
  readonly accountId: string
  readonly unit: Record<string, unknown>
  readonly locations: readonly string[] | null
}

/** What a SKU's stock per location is computed from (`readLocationStock`, src/inventory/locations.ts). */
export interface SkuLocationRows {
  readonly item: { readonly ats: number; readonly safetyStock: number; readonly reserved: number }
  readonly levels: ReadonlyMap<string, LocationLevel>
  readonly reservations: readonly LocationReservation[]
  readonly listings: readonly LocationListing[]
}

/**
 * A SKU's ledger row, its locations, its live reservations by named location and channel account,
 * and its listings, read together in one snapshot (repeatable read) so they add up; undefined for
 * a SKU the ledger has no row for. Four reads by the SKU's own indexes; nothing is locked.
 */
export async function readSkuLocationRows(
  db: Kysely<Database>,
  sku: string,
): Promise<SkuLocationRows | undefined> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const item = await trx
        .selectFrom('inventory_item')
        .select(['ats', 'safety_stock', 'reserved'])
        .where('sku', '=', sku)
        .executeTakeFirst()
      if (!item) return undefined
      const levels = (await readLocationLevels(trx, [sku])).get(sku) ?? new Map()
      const reservations = await trx
        .selectFrom('reservation')
        .select([
          'location',
          'channel',
          'account_id',
          sql<string>`sum(held + consumed - settled)`.as('units'),
        ])
        .where('sku', '=', sku)
        .where((eb) => eb.or([eb('held', '>', 0), eb('consumed', '>', eb.ref('settled'))]))
        .groupBy(['location', 'channel', 'account_id'])
        .orderBy('channel')
        .orderBy('account_id')
        .orderBy('location')
        .execute()
      const listings = await trx
        .selectFrom('listing')
        .select(['channel', 'account_id', 'unit', 'locations'])
        .where('sku', '=', sku)
        .orderBy('id')
        .execute()
      return {
        item: { ats: item.ats, safetyStock: item.safety_stock, reserved: item.reserved },
        levels,
        reservations: reservations.map((r) => ({
          location: r.location,
          channel: r.channel,
          accountId: r.account_id,
          units: Number(r.units),
        })),
        listings: listings.map((l) => ({
          channel: l.channel,
          accountId: l.account_id,
          unit: l.unit,
          locations: l.locations,
        })),
      }
    })
}
