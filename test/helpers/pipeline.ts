import type { Hono } from 'hono'
import { sql } from 'kysely'
import type { Deps } from '../../src/deps.js'
import type { HubEvent } from '../../src/events/index.js'
import type { AppEnv } from '../../src/http/env.js'
import { relayBatch } from '../../src/pipeline/relay.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import type { RecordedWebhook } from './fixtures.js'
import { postShopify } from './shopify-webhooks.js'

/**
 * Posts a signed Shopify webhook and, if it was accepted, normalizes it right away: the worker's
 * job done synchronously, so tests control the order in which webhooks are applied.
 */
export async function receiveAndNormalize(
  hub: { readonly app: Hono<AppEnv>; readonly deps: Deps },
  fx: RecordedWebhook,
): Promise<string | undefined> {
  const res = await postShopify(hub.app, fx)
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`)
  const body = (await res.json()) as { id?: string }
  if (body.id) await normalizeInboxItem(hub.deps, body.id, { finalAttempt: false })
  return body.id
}

/** Relays until nothing is left, as the leader loop does. */
export async function relayAll(deps: Deps): Promise<void> {
  while ((await relayBatch(deps, 100)).relayed > 0);
}

/** Every event in the outbox in insertion order (positions may not be assigned yet). */
export async function outboxEvents(deps: Deps): Promise<HubEvent[]> {
  const rows = await deps.db.selectFrom('outbox_event').select('envelope').orderBy('seq').execute()
  return rows.map((r) => r.envelope as unknown as HubEvent)
}

export async function truncateAll(deps: Deps): Promise<void> {
  await sql`truncate inbox_message, sales_order, outbox_event, delivery, delivery_attempt, subscription, account_alert, webhook_token, channel_subscription, inventory_item, inventory_location_level, inventory_adjustment, reservation, listing, inbox_subject, replay_run, inventory_change, audit_log, consumer, inbox_dedupe, outbox_event_key, partition_hold cascade`.execute(
    deps.db,
  )
  await sql`update feed_head set position = 0, retained_from = 1`.execute(deps.db)
  await Promise.all(deps.queues.all.map((q) => q.obliterate({ force: true })))
}

/** An inbox message's status now. */
export async function inboxStatus(deps: Pick<Deps, 'db'>, id: string): Promise<string> {
  const row = await deps.db
    .selectFrom('inbox_message')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return row.status
}
