// De-risks values that are valid JSON and UTF-8 but that PostgreSQL cannot store: U+0000 in any
// text, integers beyond a column's type, over-long page cursors. Before, a signed webhook with one
// in its id or type got 503 (the channel resent it forever), one in a normalized field was retried
// as if the database were down, and admin requests got 500. Now: a signed webhook is kept, marked
// failed with the reason, answered 2xx, and its job fails once; admin input gets a 400 naming the
// field; nothing else changes, and the hub serves the next request.
import { Job } from 'bullmq'
import { describe, expect, it, vi } from 'vitest'
import { webhookHeaders as tiktokShopHeaders } from '../../../src/sandbox/tiktok-shop/sign.js'
import { withTimestamp } from '../../helpers/tiktok-shop-webhooks.js'
import { loadFixture } from '../../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../../helpers/hub.js'
import {
  SANDBOX_SHOPIFY_SECRET,
  withBody,
  shopifyRequestHeaders,
} from '../../helpers/shopify-webhooks.js'
import { jobIds } from '../../../src/queues/catalog.js'
import { normalizeBatch } from '../../../src/pipeline/normalize-batch.js'
import { SANDBOX_SELLER } from '../../../src/sandbox/amazon/index.js'
import { eventBridgeHeaders } from '../../../src/sandbox/amazon/sign.js'
import type { InboundMessage } from '../../../src/queues/index.js'
import { walmartHmac } from '../../../src/sandbox/walmart/sign.js'

const hub = useTestHub({ workers: true })
const NUL = '\u0000'

// The sandbox demo accounts' published credentials (connectors/*/index.ts).
const TIKTOK = { appKey: 'sandbox-tiktok-app-key', secret: 'sandbox-tiktok-app-secret' }
const WALMART_HMAC = 'sandbox-walmart-hmac-secret'

interface Channel {
  readonly name: string
  readonly path: string
  /** A good body, unique per call (so it is never a duplicate). */
  body(n: number): string
  headers(body: string): Record<string, string>
}

const tiktokFx = loadFixture('tiktok-shop', 'PRODUCT_STATUS_CHANGE/audit-failure')
const walmartFx = loadFixture('walmart', 'INVENTORY_OOS/two-nodes')
const amazonFx = loadFixture('amazon', 'LISTINGS_ITEM_STATUS_CHANGE/buyable-eventbridge')
const shopifyFx = loadFixture('shopify', 'orders-create/basic')

const unique = (n: number) => `${Date.now()}${n}${Math.floor(Math.random() * 1e6)}`

const CHANNELS = {
  tiktok: {
    name: 'tiktok-shop',
    path: '/webhooks/tiktok-shop/demo',
    body: (n) =>
      withTimestamp(tiktokFx.body, Math.floor(Date.now() / 1000)).replace(
        '"7571000000000000012"',
        `"75710${unique(n)}"`,
      ),
    headers: (body) => tiktokShopHeaders(body, TIKTOK.appKey, TIKTOK.secret),
  },
  walmart: {
    name: 'walmart',
    path: '/webhooks/walmart/demo',
    body: (n) => walmartFx.body.replace('9b1f5a40-c6a1-11f1-8d1e-6b2f0c3a7e08', `wm-${unique(n)}`),
    headers: (body) => ({
      'content-type': 'application/json',
      'x-walmart-signature': walmartHmac(body, WALMART_HMAC, 'hex'),
    }),
  },
  amazon: {
    name: 'amazon',
    path: '/webhooks/amazon/demo',
    body: (n) => {
      const parsed = JSON.parse(amazonFx.body) as {
        detail: { NotificationMetadata: { NotificationId: string } }
      }
      parsed.detail.NotificationMetadata.NotificationId = `amzn-${unique(n)}`
      return JSON.stringify(parsed)
    },
    headers: () => eventBridgeHeaders(SANDBOX_SELLER.apiKey),
  },
} satisfies Record<string, Channel>

let counter = 0
function post(channel: Channel, body: string, headers = channel.headers(body)) {
  return hub.app.request(channel.path, { method: 'POST', headers, body })
}

const inboxRow = (id: string) =>
  hub.deps.db
    .selectFrom('inbox_message')
    .select(['id', 'status', 'outcome', 'topic', 'dedupe_key', 'raw_body'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

const eventsOf = (id: string) =>
  hub.deps.db.selectFrom('outbox_event').select('id').where('inbox_id', '=', id).execute()

const idOf = async (res: Response) => {
  const latest = await hub.deps.db
    .selectFrom('inbox_message')
    .select('id')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  // TikTok answers with an empty body; the row is then the newest one.
  const text = await res.text()
  return text ? (JSON.parse(text) as { id: string }).id : latest.id
}

/** The next good webhook of the channel is accepted and normalized. */
async function servesNext(channel: Channel) {
  const res = await post(channel, channel.body(++counter))
  expect(res.status).toBe(200)
  const id = await idOf(res)
  await vi.waitFor(async () => expect((await inboxRow(id)).status).toBe('normalized'), {
    timeout: 10_000,
    interval: 50,
  })
}

/** The message's job ran once and failed for good: no retry loop. */
async function failedOnce(inboxId: string) {
  await vi.waitFor(
    async () => {
      const job = await Job.fromId(hub.deps.queues.inbound, jobIds.inbound(inboxId))
      expect(job).toBeDefined()
      expect(await job!.getState()).toBe('failed')
      expect(job!.attemptsMade).toBe(1)
    },
    { timeout: 10_000, interval: 50 },
  )
}

describe('a signed webhook whose id or type holds U+0000', () => {
  const cases: [string, Channel, (body: string) => string, string][] = [
    [
      'TikTok tts_notification_id',
      CHANNELS.tiktok,
      (b) => b.replace(/"tts_notification_id":"/, `"tts_notification_id":"\\u0000`),
      'id',
    ],
    [
      'Walmart source.eventId',
      CHANNELS.walmart,
      (b) => b.replace('"eventId":"', '"eventId":"\\u0000'),
      'id',
    ],
    [
      'Walmart source.eventType',
      CHANNELS.walmart,
      (b) => b.replace('"eventType":"INVENTORY_OOS', '"eventType":"INVENTORY_OOS\\u0000'),
      'event type',
    ],
    [
      'Amazon NotificationId',
      CHANNELS.amazon,
      (b) => b.replace('"NotificationId":"', '"NotificationId":"\\u0000'),
      'id',
    ],
    [
      'Amazon NotificationType',
      CHANNELS.amazon,
      (b) =>
        b
          .replace(
            '"NotificationType":"LISTINGS_ITEM_STATUS_CHANGE',
            '"NotificationType":"X\\u0000',
          )
          .replace('"detail-type":"LISTINGS_ITEM_STATUS_CHANGE', '"detail-type":"X\\u0000'),
      'event type',
    ],
  ]
  it.each(cases)(
    '%s: kept failed with the reason, 200, no job, no events',
    async (_, ch, edit, field) => {
      const body = edit(ch.body(++counter))
      expect(body).toContain('\\u0000')
      const res = await post(ch, body)
      expect(res.status).toBe(200)
      const id = await idOf(res)
      const row = await inboxRow(id)
      expect(row.status).toBe('failed')
      expect(row.outcome).toEqual({ reason: expect.stringContaining(`${field} contains U+0000`) })
      expect(Buffer.from(row.raw_body).toString('utf8')).toBe(body) // the exact bytes kept
      expect(row.dedupe_key.includes(NUL) || row.topic.includes(NUL)).toBe(false)
      // Never queued, so nothing retries it.
      expect(await Job.fromId(hub.deps.queues.inbound, jobIds.inbound(id))).toBeUndefined()
      expect(await eventsOf(id)).toEqual([])
      // The channel resends the same bytes: a duplicate, not a second row.
      const again = await post(ch, body)
      expect(again.status).toBe(200)
      if (ch !== CHANNELS.tiktok) expect(await again.json()).toEqual({ status: 'duplicate' })
      await servesNext(ch)
    },
  )

  it('an over-long Shopify webhook id is stored as its digest and processed as usual', async () => {
    const longId = 'x'.repeat(3_000)
    const fx = withBody(shopifyFx, shopifyFx.body.replace('"#1042"', '"#LONG"'), longId)
    const res = await hub.app.request('/webhooks/shopify/demo', {
      method: 'POST',
      headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
      body: fx.body,
    })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    expect((await inboxRow(id)).dedupe_key).toMatch(/^id-sha256:[0-9a-f]{64}$/)
    await vi.waitFor(async () => expect((await inboxRow(id)).status).toBe('normalized'), {
      timeout: 10_000,
    })
  })
})

describe('a signed webhook whose normalized values PostgreSQL cannot store', () => {
  const shopify: Channel = {
    name: 'shopify',
    path: '/webhooks/shopify/demo',
    body: (n) => shopifyFx.body.replace('"id":820982911946154508', `"id":82098${100000 + n}`),
    headers: () => ({}),
  }
  const postShopifyBody = (body: string) => {
    const fx = withBody(shopifyFx, body, `wh-${unique(++counter)}`)
    return hub.app.request(shopify.path, {
      method: 'POST',
      headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
      body,
    })
  }
  const cases: [string, () => Response | Promise<Response>, RegExp][] = [
    [
      'Shopify order name with U+0000',
      () => postShopifyBody(shopifyFx.body.replace('"#1042"', `"#10\\u000042"`)),
      /snapshot\.number: must not contain U\+0000/,
    ],
    [
      // Valid JSON that jsonb refuses: half a surrogate pair.
      'Shopify order name with an unpaired surrogate',
      () => postShopifyBody(shopifyFx.body.replace('"#1042"', `"#10\\ud80042"`)),
      /snapshot\.number: must not contain U\+0000 \(NUL\) or an unpaired UTF-16 surrogate/,
    ],
    [
      'Shopify line quantity beyond a PostgreSQL integer',
      () => postShopifyBody(shopifyFx.body.replace(/"quantity":1,/, '"quantity":3000000000,')),
      /snapshot\.lines\[0\]\.quantity: 3000000000 is beyond what a PostgreSQL integer holds/,
    ],
    [
      'TikTok suspended_reason with U+0000',
      () => {
        const body = CHANNELS.tiktok.body(++counter).replace('a watermark', 'a \\u0000watermark')
        return post(CHANNELS.tiktok, body)
      },
      /data\.reason: must not contain U\+0000/,
    ],
    [
      'Walmart sku with U+0000',
      () => {
        const body = CHANNELS.walmart.body(++counter).replace('TSHIRT-BLK-M', 'TSHIRT\\u0000')
        return post(CHANNELS.walmart, body)
      },
      /must not contain U\+0000/,
    ],
    [
      'Amazon Sku with U+0000',
      () => {
        const body = CHANNELS.amazon.body(++counter).replace('"TSHIRT-BLK-M"', '"TSHIRT\\u0000"')
        return post(CHANNELS.amazon, body)
      },
      /data\.listing\.sellerSku: must not contain U\+0000/,
    ],
  ]
  it.each(cases)('%s: failed for good with the field named, no events', async (_, send, issue) => {
    const res = await send()
    expect(res.status).toBe(200)
    const id = await idOf(res)
    await vi.waitFor(async () => expect((await inboxRow(id)).status).toBe('failed'), {
      timeout: 10_000,
      interval: 50,
    })
    const { outcome } = await inboxRow(id)
    expect((outcome as { issues: string[] }).issues.join('\n')).toMatch(issue)
    await failedOnce(id)
    expect(await eventsOf(id)).toEqual([])
  })

  it('fails only the bad message of a batch; its neighbours are normalized', async () => {
    await hub.stopWorkers()
    try {
      const good = shopifyFx.body
        .replace('"#1042"', '"#GOOD"')
        .replace(/"id":820982911946154508/, '"id":820982911946100001')
      const bad = shopifyFx.body
        .replace('"#1042"', '"#B\\u0000AD"')
        .replace(/"id":820982911946154508/, '"id":820982911946100002')
      const ids: string[] = []
      for (const body of [good, bad]) {
        const res = await postShopifyBody(body)
        ids.push(((await res.json()) as { id: string }).id)
      }
      const messages: InboundMessage[] = ids.map((inboxId, i) => ({
        inboxId,
        channel: 'shopify',
        accountId: 'demo',
        topic: 'orders/create',
        dedupeKey: `batch-${inboxId}`,
        receivedAt: new Date(),
        rawBody: Buffer.from(i === 0 ? good : bad),
      }))
      const results = await normalizeBatch(hub.deps, messages)
      expect(results[0]).toEqual({ kind: 'done' })
      expect(results[1]).toMatchObject({ kind: 'permanent' })
      expect((await inboxRow(ids[0]!)).status).toBe('normalized')
      expect((await inboxRow(ids[1]!)).status).toBe('failed')
      expect((await eventsOf(ids[0]!)).length).toBeGreaterThan(0)
      expect(await eventsOf(ids[1]!)).toEqual([])
    } finally {
      hub.startWorkers()
    }
  })
})

describe('admin input PostgreSQL cannot store', () => {
  const admin = (path: string, init: RequestInit = {}) =>
    hub.app.request(path, {
      ...init,
      headers: { ...ADMIN, 'content-type': 'application/json', ...init.headers },
    })
  const json = (value: unknown) => ({ method: 'POST', body: JSON.stringify(value) })
  const cases: [string, string, RequestInit, string][] = [
    ['inbox filter', '/v1/admin/inbox?account=de%00mo', {}, 'query.account'],
    ['inbox order id', '/v1/admin/inbox?orderId=%00', {}, 'query.orderId'],
    ['listing sku query', '/v1/listings?sku=A%00B', {}, 'query.sku'],
    ['feed types', '/v1/events?types=order.%00', {}, 'query.types'],
    ['subscription id in the path', '/v1/subscriptions/sub_%00', {}, 'path.id'],
    ['pause a subscription', '/v1/subscriptions/sub_%00/pause', { method: 'POST' }, 'path.id'],
    ['replay run id in the path', '/v1/admin/replays/run%00', {}, 'path.id'],
    ['cancel a replay run', '/v1/admin/replays/run%00/cancel', { method: 'POST' }, 'path.id'],
    ['inventory sku in the path', '/v1/inventory/SKU%00', {}, 'path.sku'],
    [
      'inventory level',
      '/v1/inventory/SKU%001',
      { method: 'PUT', body: JSON.stringify({ onHand: 1, asOf: new Date().toISOString() }) },
      'path.sku',
    ],
    [
      'adjustment idempotency key',
      '/v1/inventory/adjustments',
      json({ idempotencyKey: `k${NUL}`, sku: 'SKU-1', delta: 1 }),
      'body.idempotencyKey',
    ],
    [
      'adjustment sku',
      '/v1/inventory/adjustments',
      json({ idempotencyKey: 'k-nul-sku', sku: `S${NUL}`, delta: 1 }),
      'body.sku',
    ],
    [
      'adjustment delta beyond a PostgreSQL integer',
      '/v1/inventory/adjustments',
      json({ idempotencyKey: 'k-big', sku: 'SKU-1', delta: 3_000_000_000 }),
      'body.delta',
    ],
    [
      'inventory level beyond a PostgreSQL integer',
      '/v1/inventory/SKU-1',
      { method: 'PUT', body: JSON.stringify({ onHand: 1e12, asOf: new Date().toISOString() }) },
      'body.onHand',
    ],
    [
      'replay filter',
      '/v1/admin/replays',
      json({ filter: { sku: `A${NUL}` }, dryRun: false }),
      'body.filter.sku',
    ],
    [
      'replay filter key',
      '/v1/admin/replays',
      json({ filter: { [`s${NUL}`]: 'x' }, dryRun: true }),
      'body.filter.s␀',
    ],
    [
      'subscription description',
      '/v1/subscriptions',
      json({ url: 'https://example.com/h', eventTypes: ['order.*'], description: `d${NUL}` }),
      'body.description',
    ],
    ['reconcile filter', '/v1/admin/reconcile', json({ sku: `S${NUL}` }), 'body.sku'],
    [
      'adjustment key with an unpaired surrogate',
      '/v1/inventory/adjustments',
      json({ idempotencyKey: 'k\ud800', sku: 'S', delta: 1 }),
      'body.idempotencyKey',
    ],
    ['audit cursor of 23 digits', `/v1/admin/audit?before=${'9'.repeat(23)}`, {}, 'query.before'],
  ]

  const counts = async () => {
    const count = (table: 'subscription' | 'replay_run' | 'inventory_adjustment') =>
      hub.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n))
    // Items an admin request could have made: not those of the orders this file's webhooks bring,
    // which the workers may still be normalizing (an order's item and reservation are written in
    // one transaction, so this one statement sees both or neither).
    const adminItems = hub.deps.db
      .selectFrom('inventory_item as i')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('reservation as r').select('r.sku').whereRef('r.sku', '=', 'i.sku'))),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n))
    return {
      subscriptions: await count('subscription'),
      replays: await count('replay_run'),
      adjustments: await count('inventory_adjustment'),
      items: await adminItems,
    }
  }

  it.each(cases)('%s (%s): 400 naming the field, nothing changed', async (_, path, init, field) => {
    const before = await counts()
    const res = await admin(path, init)
    expect(res.status).toBe(400)
    const body = (await res.json()) as { problems: string[] }
    expect(body.problems.some((p) => p.startsWith(`${field}:`))).toBe(true)
    expect(await counts()).toEqual(before)
    expect((await admin('/v1/admin/audit?limit=1')).status).toBe(200)
  })

  it('audits a refused body holding a raw NUL byte, the character made visible', async () => {
    const body = `{"idempotencyKey":"k${NUL}","sku":"S","delta":1}`
    const res = await admin('/v1/inventory/adjustments', { method: 'POST', body })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ problems: ['body: not valid JSON'] })
    await vi.waitFor(async () => {
      const audit = await admin('/v1/admin/audit?limit=1')
      const { entries } = (await audit.json()) as { entries: Record<string, unknown>[] }
      expect(entries[0]).toMatchObject({
        status: 400,
        path: '/v1/inventory/adjustments',
        body: '{"idempotencyKey":"k\u2400","sku":"S","delta":1}',
      })
    })
  })

  it('still takes a cursor of 19 digits, the largest bigint', async () => {
    const res = await admin('/v1/admin/audit?before=9223372036854775807')
    expect(res.status).toBe(200)
    const over = await admin('/v1/admin/audit?before=9223372036854775808')
    expect(over.status).toBe(400)
  })
})
