import { sql, type Kysely } from 'kysely'

/**
 * Partitioned allocation and safe onboarding (issue #15, DESIGN.md §6):
 * - `inventory_item.on_hand_known`: an absolute level or an adjustment has set the SKU's on-hand;
 *   until then nothing is pushed for it (a listing created before any count would zero the
 *   channel). SKUs that exist already keep being pushed as before.
 * - `listing.offered_base`, `listing.committed_at_base`: the quantity the hub last told the
 *   channel (or read from it), and the units the listing's account had committed of the SKU
 *   (ordered less cancelled, shipped included) by then, counting sales the read showed that the
 *   hub had not heard of yet; what the account committed since is what the channel sold since.
 *   Channel reports do not move them: a report's quantity is as of the channel's clock, the
 *   committed units as of the hub's, and mixing them would count some sales twice or never.
 * - `listing.inflight_quantity`: a write sent and not confirmed; counted as offered until it is.
 * - `listing.race_from`, `listing.race_to`: the span from the read before a write to the write's
 *   answer. An order the channel placed in it may have been overwritten by the write (channels
 *   without compare-and-set), so it does not lower what the hub believes the channel offers.
 * - `reservation_by_sku_account`: those committed units per listing without reading the account's
 *   other SKUs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inventory_item add column on_hand_known boolean not null default false`.execute(
    db,
  )
  await sql`update inventory_item set on_hand_known = true`.execute(db)
  await sql`alter table listing add column offered_base integer,
                                add column committed_at_base integer not null default 0,
                                add column inflight_quantity integer,
                                add column race_from timestamptz,
                                add column race_to timestamptz`.execute(db)
  await sql`update listing set offered_base = last_pushed_quantity`.execute(db)
  await sql`
    create index reservation_by_sku_account on reservation (sku, channel, account_id)
      include (held, consumed, updated_at)`.execute(db)
  await sql`
    update listing l set committed_at_base = c.units
      from (select sku, channel, account_id, sum(held + consumed)::integer as units
              from reservation group by sku, channel, account_id) c
     where c.sku = l.sku and c.channel = l.channel and c.account_id = l.account_id`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reservation_by_sku_account`.execute(db)
  await sql`alter table listing drop column offered_base, drop column committed_at_base,
                                drop column inflight_quantity, drop column race_from,
                                drop column race_to`.execute(db)
  await sql`alter table inventory_item drop column on_hand_known`.execute(db)
}
