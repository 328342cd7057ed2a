import type { Kysely } from 'kysely'
import type { Database, Subscription } from '../schema.js'

export interface NewSubscription {
  readonly id: string
  readonly url: string
  readonly eventTypes: readonly string[]
  readonly secret: string
  readonly description: string | null
}

export async function insertSubscription(
  db: Kysely<Database>,
  s: NewSubscription,
): Promise<Subscription> {
  return db
    .insertInto('subscription')
    .values({
      id: s.id,
      url: s.url,
      event_types: [...s.eventTypes],
      secret: s.secret,
      description: s.description,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Subscriptions that have not been deleted, newest first. */
export function listSubscriptions(db: Kysely<Database>): Promise<Subscription[]> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('status', '!=', 'deleted')
    .orderBy('created_at', 'desc')
    .execute()
}

export function getSubscription(
  db: Kysely<Database>,
  id: string,
): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('id', '=', id)
    .where('status', '!=', 'deleted')
    .executeTakeFirst()
}

/** Marks a subscription deleted (its delivery history is kept). Returns false if there was none. */
export async function deleteSubscription(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('subscription')
    .set({ status: 'deleted', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '!=', 'deleted')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function disableSubscription(
  db: Kysely<Database>,
  id: string,
  reason: string,
): Promise<void> {
  await db
    .updateTable('subscription')
    .set({ status: 'disabled', disabled_reason: reason, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute()
}
