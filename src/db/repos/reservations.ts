import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

// The write side of stock reservations: the rows and notes `planReservations`
// (src/inventory/reservations.ts) decided, as SQL. It sits here, below both the inventory and the
// outbox, because the outbox's batch statement (`appendAndSettle`) writes them too.

/** The rows and notes that bring orders' reservations in line (see `planReservations`). */
export interface ReservationWrites {
  readonly rows: ReadonlyArray<Record<string, unknown>>
  readonly notes: ReadonlyArray<Record<string, unknown>>
}

/** Writes what `planReservations` decided, in its own statement (none if nothing). */
export async function writeReservations(
  trx: Kysely<Database>,
  writes: ReservationWrites,
): Promise<void> {
  if (writes.rows.length > 0) await sql`with ${reservationWrites(writes)} select 1`.execute(trx)
}

/**
 * The write of `planReservations`' rows and notes, as two common table expressions
 * (`reserved`, `noted`) for the caller's statement; with nothing to write they insert nothing, so
 * the statement's text stays the same.
 */
export function reservationWrites(writes: ReservationWrites) {
  return sql`reserved as (
      insert into reservation (channel, account_id, order_id, line_id, sku, held, consumed, settled, consumed_at, location, updated_at)
      select r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.held, r.consumed, r.settled, r.consumed_at, r.location, now()
        from json_to_recordset(${JSON.stringify(writes.rows)}::json) as r(channel text, account_id text,
             order_id text, line_id text, sku text, held integer, consumed integer, settled integer,
             consumed_at timestamptz, location text)
      on conflict (channel, account_id, order_id, line_id) do update set
        sku = excluded.sku, held = excluded.held, consumed = excluded.consumed,
        settled = excluded.settled, consumed_at = excluded.consumed_at, location = excluded.location,
        updated_at = excluded.updated_at
    ), noted as (
      insert into inventory_change (sku, channel, account_id, order_id, reserved_delta)
      select n.sku, n.channel, n.account_id, n.order_id, n.reserved_delta
        from json_to_recordset(${JSON.stringify(writes.notes)}::json) as n(sku text, channel text,
             account_id text, order_id text, reserved_delta integer)
    )`
}
