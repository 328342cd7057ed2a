import type { Kysely } from 'kysely'
import type { ContentMode } from '../../events/index.js'
import type { Database, Subscription, SubscriptionStatus } from '../schema.js'

export interface NewSubscription {
  readonly id: string
  readonly url: string
  readonly eventTypes: readonly string[]
  readonly secret: string
  readonly description: string | null
  /** Unset: the column's default, `structured`. */
  readonly contentMode?: ContentMode
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
      content_mode: s.contentMode,
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

/** Whether the subscription exists in any status, deleted included (its history is kept). */
export async function subscriptionExists(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('subscription')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst()
  return row !== undefined
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

/** A 410 Gone means the subscriber is gone, so a paused subscription is disabled too. */
export async function disableSubscription(
  db: Kysely<Database>,
  id: string,
  reason: string,
): Promise<void> {
  await db
    .updateTable('subscription')
    .set({ status: 'disabled', disabled_reason: reason, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', 'in', ['active', 'paused'])
    .execute()
}

export type PauseTransition =
  | { readonly kind: 'changed'; readonly subscription: Subscription }
  /** Already in the wanted state: pausing a paused subscription (or resuming an active one) is a no-op. */
  | { readonly kind: 'unchanged'; readonly subscription: Subscription }
  /** Disabled or deleted: only an active subscription can be paused, only a paused one resumed. */
  | { readonly kind: 'conflict'; readonly subscription: Subscription }
  | { readonly kind: 'missing' }

/**
 * Moves a subscription between `active` and `paused`. The conditional update makes concurrent
 * calls safe: exactly one of them changes the row, the others see the state it left.
 */
export async function setSubscriptionPaused(
  db: Kysely<Database>,
  id: string,
  paused: boolean,
): Promise<PauseTransition> {
  const [from, to]: [SubscriptionStatus, SubscriptionStatus] = paused
    ? ['active', 'paused']
    : ['paused', 'active']
  const changed = await db
    .updateTable('subscription')
    .set({ status: to, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst()
  if (changed) return { kind: 'changed', subscription: changed }
  // Deleted rows are read too: an operator is told the subscription was deleted, not that it never existed.
  const current = await db
    .selectFrom('subscription')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!current) return { kind: 'missing' }
  return { kind: current.status === to ? 'unchanged' : 'conflict', subscription: current }
}
