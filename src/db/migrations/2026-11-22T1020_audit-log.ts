import { sql, type Kysely } from 'kysely'

/** Every mutating admin request: who, what, with which filter and effect, and when. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor text not null,
      method text not null,
      path text not null,
      query text,
      -- the request body as sent (JSON requests, first 4 KiB)
      body text,
      status integer not null,
      -- what the handler reported doing: filter, counts, ids
      details jsonb,
      request_id text not null
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
}
