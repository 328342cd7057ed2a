// De-risks /openapi.json describing answers the hub does not give. Real answers of a test hub, a
// few per route group (successes, refusals, 400s and 404s), are checked against what the
// document says of that route and status: the status is documented, the content type is the
// documented one, and the JSON body has every field as documented and no field it leaves out.
// The schemas checked are the zod schemas the document is generated from (the app's registry),
// and test/integration/openapi-document.test.ts pins the served document to them.
import { randomUUID } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { RouteConfig } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { listingEvent, publishEvents, returnedEvent } from '../helpers/feed-events.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()

/** The documented route `method` and the concrete `path` match; the most literal one wins. */
function documentedRoute(method: string, path: string): RouteConfig | undefined {
  const params = (template: string) => template.split('{').length
  return hub.app.openAPIRegistry.definitions
    .flatMap((d) => (d.type === 'route' ? [d.route as RouteConfig] : []))
    .filter(
      (r) =>
        r.method === method.toLowerCase() &&
        new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    )
    .sort((a, b) => params(a.path) - params(b.path))[0]
}

/** Problems with `body` against `schema`: its issues, or a field the schema does not have. */
function undocumented(schema: z.ZodType, body: unknown): unknown {
  const parsed = schema.safeParse(body)
  if (!parsed.success) return parsed.error.issues
  // zod drops what a schema does not name: what remains must be all there was.
  return isDeepStrictEqual(parsed.data, body)
    ? undefined
    : { documented: parsed.data, answered: body }
}

/** Sends a request and checks the answer against the document; returns the JSON body, if any. */
async function call(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; expect: number },
): Promise<unknown> {
  const res = await hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json', ...opts.headers },
    ...(opts.body === undefined
      ? {}
      : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  })
  return documented(res, method, path, opts.expect)
}

async function documented(
  res: Response,
  method: string,
  path: string,
  status: number,
): Promise<unknown> {
  const what = `${method} ${path} → ${res.status}`
  expect(res.status, what).toBe(status)
  const route = documentedRoute(method, new URL(path, 'http://hub').pathname)
  expect(route, `${what}: no documented route`).toBeDefined()
  const response = route!.responses[String(res.status)] as
    { content?: Record<string, { schema: z.ZodType }> } | undefined
  expect(response, `${what}: status not documented`).toBeDefined()
  const text = await res.text()
  if (!response!.content) return expect(text, `${what}: a body where none is documented`).toBe('')
  const type = res.headers.get('content-type') ?? ''
  const media = Object.entries(response!.content).find(([name]) => type.startsWith(name))
  expect(media, `${what}: content-type ${type} not documented`).toBeDefined()
  if (!media![0].endsWith('json')) return text
  const body: unknown = JSON.parse(text)
  expect(undocumented(media![1].schema, body), what).toBeUndefined()
  return body
}

const unique = () => randomUUID().slice(0, 8)

it('would see a field the document leaves out, or one it describes otherwise', () => {
  const schema = documentedRoute('GET', '/healthz')!.responses['200'] as {
    content: { 'application/json': { schema: z.ZodType } }
  }
  const of = schema.content['application/json'].schema
  expect(undocumented(of, { status: 'ok' })).toBeUndefined()
  expect(undocumented(of, { status: 'ok', uptime: 1 })).toBeDefined()
  expect(undocumented(of, { status: 'up' })).toBeDefined()
})

describe('operations and documentation', () => {
  it('answers as documented', async () => {
    await call('GET', '/healthz', { expect: 200 })
    await call('GET', '/readyz', { expect: 200 })
    expect(await call('GET', '/metrics', { expect: 200 })).toContain('hub_')
    await call('GET', '/openapi.json', { expect: 200 })
    expect(await call('GET', '/docs', { expect: 200 })).toContain('swagger-ui')
  })
})

describe('subscriptions', () => {
  it('answers as documented, refusals included', async () => {
    const created = (await call('POST', '/v1/subscriptions', {
      body: { url: 'https://oms.example.com/hooks', eventTypes: ['order.*'], description: 'd' },
      expect: 201,
    })) as { id: string }
    const sub = `/v1/subscriptions/${created.id}`
    await call('GET', '/v1/subscriptions', { expect: 200 })
    await call('GET', sub, { expect: 200 })
    await call('POST', `${sub}/pause`, { expect: 200 })
    await call('POST', `${sub}/resume`, { expect: 200 })
    await call('GET', `${sub}/deliveries?status=pending&limit=5`, { expect: 200 })
    await call('GET', `${sub}/deliveries?status=lost`, { expect: 400 })
    await call('DELETE', sub, { expect: 204 })
    await call('DELETE', sub, { expect: 404 })
    await call('POST', `${sub}/pause`, { expect: 409 })
    await call('GET', '/v1/subscriptions/sub_nope', { expect: 404 })
    await call('POST', '/v1/subscriptions/sub_nope/resume', { expect: 404 })
    await call('GET', '/v1/subscriptions/sub_nope/deliveries', { expect: 404 })
    await call('POST', '/v1/subscriptions', { body: { url: 'ftp://x.example' }, expect: 400 })
    await call('POST', '/v1/subscriptions', { body: '{', expect: 400 })
    await call('POST', '/v1/subscriptions', {
      body: 'url=x',
      headers: { 'content-type': 'text/plain' },
      expect: 415,
    })
    await call('GET', '/v1/subscriptions', { headers: { authorization: '' }, expect: 401 })
  })
})

describe('inventory and listings', () => {
  it('answers as documented, refusals included', async () => {
    const sku = `OA-${unique()}`
    const asOf = '2026-11-01T10:00:00Z'
    await call('PUT', `/v1/inventory/${sku}`, { body: { onHand: 5, asOf }, expect: 200 })
    await call('PUT', `/v1/inventory/${sku}`, { body: { onHand: 6, asOf }, expect: 200 })
    await call('PUT', `/v1/inventory/${sku}`, { body: { onHand: -1, asOf }, expect: 400 })
    await call('PUT', '/v1/inventory', {
      body: { levels: [{ sku: `${sku}-B`, onHand: 1, asOf }] },
      expect: 200,
    })
    const adjustment = { idempotencyKey: `k-${sku}`, sku, delta: 2 }
    await call('POST', '/v1/inventory/adjustments', { body: adjustment, expect: 201 })
    await call('POST', '/v1/inventory/adjustments', { body: adjustment, expect: 200 })
    await call('POST', '/v1/inventory/adjustments', {
      body: { ...adjustment, delta: 3 },
      expect: 409,
    })
    await call('PUT', '/v1/listings', {
      body: { listings: [{ sku, channel: 'walmart', account: 'demo' }] },
      expect: 200,
    })
    await call('PUT', '/v1/listings', {
      body: { listings: [{ sku, channel: 'walmart', account: 'nobody' }] },
      expect: 400,
    })
    await call('GET', `/v1/listings?sku=${sku}`, { expect: 200 })
    await call('GET', `/v1/inventory/${sku}`, { expect: 200 })
    await call('GET', `/v1/inventory/NONE-${sku}`, { expect: 404 })
    await call('POST', '/v1/admin/reconcile', { body: { sku }, expect: 202 })
    await call('POST', '/v1/admin/reconcile', { expect: 202 })
  })
})

describe('stored webhooks, replays and the audit log', () => {
  it('answers as documented, refusals included', async () => {
    const fx = loadFixture('shopify', 'orders-create/basic')
    const received = await postShopify(hub.app, withBody(fx, fx.body, `oa-${unique()}`))
    const { id } = (await documented(received, 'POST', '/webhooks/shopify/demo', 200)) as {
      id: string
    }
    await call('GET', '/v1/admin/inbox?channel=shopify&limit=5', { expect: 200 })
    await call('GET', '/v1/admin/inbox?status=lost', { expect: 400 })
    await call('GET', `/v1/admin/inbox/${id}`, { expect: 200 })
    await call('GET', '/v1/admin/inbox/999999999', { expect: 404 })
    await call('POST', `/v1/admin/inbox/${id}/replay`, { expect: 200 })
    await call('POST', '/v1/admin/replays', { body: { filter: {}, dryRun: true }, expect: 200 })
    const run = (await call('POST', '/v1/admin/replays', {
      body: { filter: { channel: 'shopify' }, dryRun: false },
      expect: 202,
    })) as { id: string }
    await call('GET', `/v1/admin/replays/${run.id}`, { expect: 200 })
    await call('POST', `/v1/admin/replays/${run.id}/cancel`, { expect: 200 })
    // Nothing to replay: complete at once, so too late to cancel.
    const done = (await call('POST', '/v1/admin/replays', {
      body: { filter: { account: `nobody-${unique()}` }, dryRun: false },
      expect: 202,
    })) as { id: string }
    await call('POST', `/v1/admin/replays/${done.id}/cancel`, { expect: 409 })
    await call('GET', '/v1/admin/replays/rpl_nope', { expect: 404 })
    await call('POST', '/v1/admin/replays', { body: { filter: {} }, expect: 400 })
    await call('GET', '/v1/admin/audit?limit=5', { expect: 200 })
  })
})

describe('webhook intake', () => {
  it('answers as documented, refusals included', async () => {
    const fx = withBody(loadFixture('shopify', 'orders-create/basic'), '{}', `oa-${unique()}`)
    const twice = withBody(fx, fx.body, `oa-${unique()}`)
    await documented(await postShopify(hub.app, twice), 'POST', '/webhooks/shopify/demo', 200)
    await documented(await postShopify(hub.app, twice), 'POST', '/webhooks/shopify/demo', 200)
    const forged = await postShopify(hub.app, fx, { secret: 'not-the-secret' })
    await documented(forged, 'POST', '/webhooks/shopify/demo', 401)
    const nobody = await postShopify(hub.app, fx, { account: 'nobody' })
    await documented(nobody, 'POST', '/webhooks/shopify/nobody', 404)
    await call('POST', '/webhooks/ebay/demo', { body: {}, expect: 404 })
    await call('POST', '/webhooks/shopify/demo/oauth/token', {
      body: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      expect: 404,
    })
  })
})

describe('onboarding and order sync', () => {
  it('answers as documented, refusals included', async () => {
    const stock = '/v1/admin/accounts/walmart/demo/stock'
    await call('GET', stock, { expect: 200 })
    await call('GET', `${stock}/dry-run`, { expect: 200 })
    await call('PUT', `${stock}/live`, { body: { live: 'yes' }, expect: 400 })
    await call('GET', '/v1/admin/accounts/ebay/demo/stock', { expect: 400 })
    await call('GET', '/v1/admin/accounts/walmart/nobody/stock', { expect: 404 })
    await call('GET', '/v1/admin/order-sync', { expect: 200 })
    await call('GET', '/v1/admin/order-sync/shopify/demo', { expect: 200 })
    await call('POST', '/v1/admin/order-sync/shopify/demo/sync', { expect: 202 })
    await call('POST', '/v1/admin/order-sync/shopify/demo/backfill', {
      body: { since: 'last year' },
      expect: 400,
    })
    await call('GET', '/v1/admin/order-sync/shopify/nobody', { expect: 404 })
  })
})

describe('the feed, its schemas and named consumers', () => {
  it('answers as documented, refusals included', async () => {
    await publishEvents(hub.deps, [returnedEvent(1), listingEvent(2)])
    const page = (await call('GET', '/v1/events?after=0&limit=1000', { expect: 200 })) as {
      next: string
    }
    await call('GET', `/v1/events?after=${BigInt(page.next) + 1n}`, { expect: 400 })
    await call('GET', '/v1/events?types=ordr.*', { expect: 400 })
    await call('GET', '/v1/events/stream', { headers: { 'last-event-id': 'x' }, expect: 400 })
    await call('GET', '/v1/schemas/order.returned.v1.json', { expect: 200 })
    await call('GET', '/v1/schemas/order.nope.v1.json', { expect: 404 })
    const name = `oa-${unique()}`.toLowerCase()
    await call('POST', '/v1/consumers', { body: { name, eventTypes: ['order.*'] }, expect: 201 })
    await call('POST', '/v1/consumers', { body: { name, eventTypes: ['order.*'] }, expect: 409 })
    await call('POST', '/v1/consumers', { body: { name: 'Bad Name' }, expect: 400 })
    await call('GET', '/v1/consumers', { expect: 200 })
    await call('GET', `/v1/consumers/${name}`, { expect: 200 })
    await call('GET', `/v1/consumers/${name}/events?limit=5`, { expect: 200 })
    await call('POST', `/v1/consumers/${name}/commit`, { body: { position: 2 }, expect: 200 })
    await call('POST', `/v1/consumers/${name}/commit`, { body: { position: 1 }, expect: 409 })
    await call('POST', `/v1/consumers/${name}/seek`, { body: { position: 0 }, expect: 200 })
    await call('POST', `/v1/consumers/${name}/seek`, { body: { position: 1e9 }, expect: 400 })
    await call('DELETE', `/v1/consumers/${name}`, { expect: 204 })
    await call('GET', `/v1/consumers/${name}`, { expect: 404 })
    await call('GET', `/v1/consumers/${name}/stream`, { expect: 404 })
  })
})
