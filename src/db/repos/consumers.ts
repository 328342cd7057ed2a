import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Consumer, Database } from '../schema.js'

/**
 * Lag is counted over at most this many feed positions after a consumer's committed one, so a
 * `/metrics` scrape (every consumer, every scrape) costs an index range of this size per consumer
 * however far behind it is. A consumer further behind shows the matching events among them: read
 * the figure as "at least".
 */
export const LAG_WINDOW_POSITIONS = 10_000

/** A consumer with what it has not read yet (within LAG_WINDOW_POSITIONS). */
export interface ConsumerWithLag extends Consumer {
  /** Matching events after its position. */
  readonly lag_events: number
  /** When the oldest of them was published to the feed; null when there is none. */
  readonly oldest_unread_at: Date | null
}

/** Lag in the units the API and /metrics show: events, and the age of the oldest (0 when none). */
export function consumerLag(
  row: ConsumerWithLag,
  now: Date,
): { readonly events: number; readonly seconds: number } {
  const oldest = row.oldest_unread_at
  return {
    events: row.lag_events,
    seconds: oldest ? Math.max(0, now.getTime() - oldest.getTime()) / 1000 : 0,
  }
}

/** `rows` (a table or a CTE of consumer rows, aliased `c`) with each one's lag. */
function withLag(rows: RawBuilder<unknown>): RawBuilder<ConsumerWithLag> {
  return sql<ConsumerWithLag>`
    select c.*, l.events as lag_events, l.oldest as oldest_unread_at
      from ${rows} c
      cross join lateral (
        select count(*)::integer as events, min(e.published_at) as oldest
          from outbox_event e
         where e.position > c.position and e.position <= c.position + ${LAG_WINDOW_POSITIONS}
           and exists (select 1 from unnest(c.event_types) f where hub_event_type_matches(f, e.type))
      ) l`
}

/** Every consumer (or the one named) with its lag, in one statement, ordered by name. */
export async function consumersWithLag(
  db: Kysely<Database>,
  name?: string,
): Promise<ConsumerWithLag[]> {
  const only = name === undefined ? sql`` : sql`where c.name = ${name}`
  const { rows } = await sql<ConsumerWithLag>`
    ${withLag(sql.table('consumer'))} ${only} order by c.name`.execute(db)
  return rows
}

export async function findConsumer(
  db: Kysely<Database>,
  name: string,
): Promise<Consumer | undefined> {
  return db.selectFrom('consumer').selectAll().where('name', '=', name).executeTakeFirst()
}

/** Where a new consumer starts: before the first event, at the head (new events only), or after a position. */
export type StartAt = 'beginning' | 'end' | number

export type CreateOutcome =
  | { readonly kind: 'created'; readonly consumer: ConsumerWithLag }
  | { readonly kind: 'taken' }
  | { readonly kind: 'beyond'; readonly head: string }

export async function insertConsumer(
  db: Kysely<Database>,
  c: { readonly name: string; readonly eventTypes: readonly string[]; readonly startAt: StartAt },
): Promise<CreateOutcome> {
  const start: RawBuilder<unknown> =
    c.startAt === 'beginning' ? sql`0` : c.startAt === 'end' ? sql`h.position` : sql`${c.startAt}`
  // The head only grows, so a start at or before it now stays valid.
  const { rows } = await sql<ConsumerWithLag>`
    with created as (
      insert into consumer (name, event_types, position)
      select ${c.name}, ${[...c.eventTypes]}::text[], ${start}
        from feed_head h where h.id = 1 and ${start} <= h.position
      on conflict (name) do nothing
      returning *)
    ${withLag(sql.table('created'))}`.execute(db)
  if (rows[0]) return { kind: 'created', consumer: rows[0] }
  const { head } = await positionAndHead(db, c.name)
  return typeof c.startAt === 'number' && BigInt(c.startAt) > BigInt(head)
    ? { kind: 'beyond', head }
    : { kind: 'taken' }
}

export async function deleteConsumer(db: Kysely<Database>, name: string): Promise<boolean> {
  const { numDeletedRows } = await db
    .deleteFrom('consumer')
    .where('name', '=', name)
    .executeTakeFirst()
  return numDeletedRows > 0n
}

export type SeekOutcome =
  | { readonly kind: 'moved'; readonly consumer: ConsumerWithLag }
  | { readonly kind: 'beyond'; readonly head: string }
  | { readonly kind: 'missing' }

export type CommitOutcome =
  | SeekOutcome
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'behind'; readonly position: string }

/**
 * Commits a position: only forward. The condition is in the UPDATE itself, so of two commits
 * racing, the lower one finds the row already past it (read committed re-checks the condition on
 * the row as the other left it) and reports `behind` instead of moving it back.
 */
export async function commitConsumer(
  db: Kysely<Database>,
  name: string,
  position: number,
): Promise<CommitOutcome> {
  const refused = await moveConsumer(db, name, position, sql`and c.position < ${position}`)
  if ('consumer' in refused) return { kind: 'moved', consumer: refused.consumer }
  if (refused.position === null) return { kind: 'missing' }
  if (BigInt(position) > BigInt(refused.head)) return { kind: 'beyond', head: refused.head }
  return BigInt(refused.position) > BigInt(position)
    ? { kind: 'behind', position: refused.position }
    : { kind: 'unchanged' }
}

/** Moves a consumer to any position up to the head: a deliberate rewind or skip. */
export async function seekConsumer(
  db: Kysely<Database>,
  name: string,
  position: number,
): Promise<SeekOutcome> {
  const refused = await moveConsumer(db, name, position, sql``)
  if ('consumer' in refused) return { kind: 'moved', consumer: refused.consumer }
  return refused.position === null ? { kind: 'missing' } : { kind: 'beyond', head: refused.head }
}

/**
 * Moves the consumer's position if `condition` allows it and it is not past the head, returning
 * it with its lag; else its position (null: no such consumer) and the head.
 */
async function moveConsumer(
  db: Kysely<Database>,
  name: string,
  position: number,
  condition: RawBuilder<unknown>,
): Promise<{ consumer: ConsumerWithLag } | { position: string | null; head: string }> {
  const { rows } = await sql<ConsumerWithLag>`
    with moved as (
      update consumer c set position = ${position}, committed_at = now()
       where c.name = ${name} ${condition}
         and ${position} <= (select h.position from feed_head h where h.id = 1)
      returning c.*)
    ${withLag(sql.table('moved'))}`.execute(db)
  return rows[0] ? { consumer: rows[0] } : positionAndHead(db, name)
}

/** A consumer's position (null: no such consumer) and the feed's head, read together. */
async function positionAndHead(
  db: Kysely<Database>,
  name: string,
): Promise<{ position: string | null; head: string }> {
  const { rows } = await sql<{ position: string | null; head: string }>`
    select c.position, h.position as head
      from feed_head h left join consumer c on c.name = ${name}
     where h.id = 1`.execute(db)
  return rows[0]!
}
