import { sql, type Kysely } from 'kysely'

/**
 * Named consumers (issue #17): a reader of the feed that keeps its own committed position on the
 * hub. Each is one row, so two consumers never touch each other's position. `committed_at` is
 * null until the first commit or seek.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table consumer (
      name text primary key,
      -- subscription-style patterns (order.*), matched by hub_event_type_matches
      event_types text[] not null check (cardinality(event_types) > 0),
      -- the last feed position it has processed: it reads from the next one
      position bigint not null check (position >= 0),
      committed_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consumer').execute()
}
