import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/**
 * Of these SKUs, those whose on-hand was never given: no absolute level (`on_hand_as_of` null, or
 * no ledger row at all) and no adjustment ever applied. Their on-hand of 0 is a default, not a
 * count. (The `on_hand_known` flag of migration 2026-12-02T0920 is to replace this test; this is
 * the one place that decides it for onboarding.) Call it holding the SKUs' item locks for an
 * answer that stays true until the transaction ends.
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
     where i.on_hand_as_of is null
       and not exists (select 1 from inventory_adjustment a where a.sku = s.sku)`.execute(db)
  return new Set(rows.map((r) => r.sku))
}
