import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/**
 * Of these SKUs, those whose on-hand was never given (`inventory_item.on_hand_known` false, or no
 * ledger row at all): their on-hand of 0 is a default, not a count, and nothing is pushed for
 * them. Call it holding the SKUs' item locks for an answer that stays true until the transaction
 * ends.
 */
export async function skusWithUnknownOnHand(
  db: Kysely<Database>,
  skus: readonly string[],
): Promise<Set<string>> {
  if (skus.length === 0) return new Set()
  const { rows } = await sql<{ sku: string }>`
    select s.sku
      from unnest(${[...new Set(skus)]}::text[]) as s(sku)
      left join inventory_item i on i.sku = s.sku
     where not coalesce(i.on_hand_known, false)`.execute(db)
  return new Set(rows.map((r) => r.sku))
}
