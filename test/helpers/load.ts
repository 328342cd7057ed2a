// Shared by the fault tests: many distinct webhooks, and the "exactly once in effect" checks.
import type { Kysely } from 'kysely'
import { expect, vi } from 'vitest'
import type { Database, InboxStatus } from '../../src/db/schema.js'
import { loadFixture, type RecordedWebhook } from './fixtures.js'
import { withBody } from './shopify-webhooks.js'

const fx = loadFixture('shopify', 'orders-create/basic')
const baseOrderId = (JSON.parse(fx.body) as { id: number }).id

/** The n-th of a run of distinct orders/create webhooks: its own order id and webhook id. */
export function orderWebhook(tag: string, n: number): RecordedWebhook {
  const body = fx.body.replace(`"id":${baseOrderId}`, `"id":${baseOrderId + 1 + n}`)
  return withBody(fx, body, `${tag}-${n}`)
}

/** Inbox rows, all or of one status. */
export async function inboxCount(db: Kysely<Database>, status?: InboxStatus): Promise<number> {
  const query = db.selectFrom('inbox_message').select((eb) => eb.fn.countAll().as('n'))
  const row = await (status ? query.where('status', '=', status) : query).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Waits until every stored webhook is normalized. */
export async function waitUntilAllNormalized(db: Kysely<Database>): Promise<void> {
  await vi.waitFor(
    async () => expect((await inboxCount(db)) - (await inboxCount(db, 'normalized'))).toBe(0),
    { timeout: 120_000, interval: 250 },
  )
}

/** Exactly once in effect: `total` orders, and one order.created.v1 for each, none twice. */
export async function expectEachOrderOnce(db: Kysely<Database>, total: number): Promise<void> {
  const orders = await db
    .selectFrom('sales_order')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  expect(Number(orders.n)).toBe(total)
  const created = await db
    .selectFrom('outbox_event')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('type', '=', 'order.created.v1')
    .executeTakeFirstOrThrow()
  expect(Number(created.n)).toBe(total)
}

/**
 * Prints a fault test's outcome in one line (`[fault] {…}`), the figures docs/reliability.md
 * reports: webhooks accepted, normalized, events duplicated, webhooks lost, and recovery time.
 */
export async function reportFault(
  db: Kysely<Database>,
  fault: string,
  figures: { readonly accepted: number; readonly recoveryMs: number } & Record<string, number>,
): Promise<void> {
  const processed = await inboxCount(db, 'normalized')
  const count = async (table: 'sales_order' | 'outbox_event') => {
    let q = db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'))
    if (table === 'outbox_event') q = q.where('type', '=', 'order.created.v1')
    return Number((await q.executeTakeFirstOrThrow()).n)
  }
  const orders = await count('sales_order')
  const created = await count('outbox_event')
  console.log(
    `[fault] ${JSON.stringify({ fault, ...figures, processed, duplicated: created - orders, lost: figures.accepted - processed })}`,
  )
}
