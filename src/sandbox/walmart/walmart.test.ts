// The Walmart emulator over real HTTP, driven by the hub's own Walmart client (undici transport,
// sandbox credentials): stock writes and reads change and return the emulator's stock at each
// ship node, placed and cancelled orders give webhooks that the connector verifies and the
// normalizer (with the order hydrated through the emulator) maps to the lines placed, wrong
// credentials, headers, expired tokens and unknown paths are refused as Walmart refuses them, and
// injected and rate-limit 429s reach the hub as `rate-limited`.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import { DEFAULT_RATE_LIMIT_WAIT_MS } from '../../../connectors/walmart/client.js'
import { walmart, type WalmartCredentials } from '../../../connectors/walmart/index.js'
import { normalizers, parseJsonBody } from '../../../normalizers/index.js'
import type { OrderSnapshot } from '../../events/index.js'
import { systemClock } from '../../clock.js'
import { UNAUTHORIZED, walmartErrorEntry } from './admission.js'
import { walmartHmac } from './sign.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { walmartEmulator } from './index.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from './seller.js'
import { failure } from '../../../test/helpers/channel-client.js'
import { inbound, useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'

const stock = walmart.stock
const transport = createUndiciTransport({ policy: CHANNEL_API_POLICY })
const AT = new Date('2026-11-22T12:00:00Z')

const emulator = useEmulatedChannel(walmartEmulator)
let emulatorUrl: string
let state: ChannelState
beforeEach(() => {
  ;({ url: emulatorUrl, state } = emulator)
})

function credentials(overrides: Partial<WalmartCredentials> = {}): WalmartCredentials {
  return { ...walmart.sandboxCredentials(emulatorUrl), ...overrides }
}

function client(overrides: Partial<WalmartCredentials> = {}) {
  return walmart.client(credentials(overrides), { transport, clock: systemClock })
}

const unit = (sku: string) => stock.unit.parse(walmartEmulator.listingUnit(sku))
const push = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'k' })

/** Verify → normalize → hydrate through the emulator → normalize: the order snapshot. */
async function receive(webhook: SignedWebhook): Promise<OrderSnapshot> {
  const creds = credentials()
  const verified = walmart.ingress.verify(inbound(webhook), { credentials: creds, now: new Date() })
  if (!verified.ok) throw new Error(`refused: ${verified.reason}`)
  const input = {
    channel: 'walmart' as const,
    accountId: 'demo',
    topic: verified.topic,
    dedupeKey: verified.dedupeKey,
    receivedAt: new Date(),
    body: parseJsonBody(webhook.body),
  }
  const first = normalizers.walmart.normalize(input)
  if (first.kind !== 'hydrate') throw new Error(`expected hydrate, got ${JSON.stringify(first)}`)
  const hydrated = await walmart
    .client(creds, { transport, clock: systemClock })
    .hydrate(first.needs)
  const second = normalizers.walmart.normalize({ ...input, hydrated })
  if (second.kind !== 'observations') throw new Error(JSON.stringify(second))
  const [observation] = second.observations
  if (observation?.kind !== 'order') throw new Error(JSON.stringify(second))
  return observation.snapshot
}

describe('stock', () => {
  it('a write sets the stock table and a read returns it', async () => {
    const api = client()
    const result = await stock.write(api, unit('TEE-BLK-M'), push(17))
    expect(result).toEqual({ status: 'applied', quantity: 17 })
    expect(state.stock.get('TEE-BLK-M')).toBe(17)
    expect(state.stats.stockWrites).toBe(1)

    state.stock.set('TEE-BLK-M', 4) // a sale elsewhere
    expect(await stock.read(api, unit('TEE-BLK-M'))).toBe(4)
  })

  it('a SKU with reserved characters round-trips through the query', async () => {
    const api = client()
    await stock.write(api, unit('TEE BLK/M+1&x'), push(3))
    expect(state.stock.get('TEE BLK/M+1&x')).toBe(3)
    expect(await stock.read(api, unit('TEE BLK/M+1&x'))).toBe(3)
  })

  it('reads a SKU the seller does not list as null', async () => {
    expect(await stock.read(client(), unit('NEVER-LISTED'))).toBeNull()
  })

  it('accepts the seller’s ship node and refuses another', async () => {
    const api = client()
    await stock.write(api, { sku: 'MUG', shipNode: '7891234' }, push(2))
    expect(state.stock.get('MUG')).toBe(2)
    const err = await failure(stock.write(api, { sku: 'MUG', shipNode: '999' }, push(5)))
    expect(err.kind).toBe('permanent')
    expect(err.details.status).toBe(400)
    expect(state.stock.get('MUG')).toBe(2)
  })

  it('applies a per-node write at the seller’s node and fails an unknown node alone', async () => {
    const api = client()
    await api.setStockPerNode({ sku: 'LAMP', nodes: [{ shipNode: '7891234', quantity: 9 }] })
    expect(state.stock.get('LAMP')).toBe(9)
    const err = await failure(
      api.setStockPerNode({
        sku: 'LAMP',
        nodes: [
          { shipNode: '7891234', quantity: 8 },
          { shipNode: '42', quantity: 1 },
        ],
      }),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('ship node 42')
    expect(state.stock.get('LAMP')).toBe(8)
  })

  it('keeps the second node’s stock apart from the default node’s, which orders take from', async () => {
    const api = client()
    const other = { sku: 'LAMP', shipNode: OTHER_SHIP_NODE.id }
    await api.setStockPerNode({
      sku: 'LAMP',
      nodes: [
        { shipNode: SHIP_NODE.id, quantity: 9 },
        { shipNode: OTHER_SHIP_NODE.id, quantity: 4 },
      ],
    })
    expect(state.stock.get('LAMP')).toBe(9)
    expect(await stock.read(api, other)).toBe(4)
    await stock.write(api, other, push(1))
    expect(await stock.read(api, other)).toBe(1)
    expect(await stock.read(api, unit('LAMP'))).toBe(9)
    expect(state.stats.stockWrites).toBe(3)
  })
})

describe('orders', () => {
  it('a placed order takes stock and its PO_CREATED hydrates to the lines placed', async () => {
    state.stock.set('TEE-BLK-M', 5)
    state.stock.set('MUG-WHT', 1)
    const placed = walmartEmulator.placeOrder(
      state,
      [
        { sku: 'TEE-BLK-M', quantity: 2 },
        { sku: 'MUG-WHT', quantity: 1 },
      ],
      AT,
    )
    if (!placed.accepted) throw new Error(placed.reason)
    expect(state.stock.get('TEE-BLK-M')).toBe(3)
    expect(state.stock.get('MUG-WHT')).toBe(0)
    expect(state.stats.ordersAccepted).toBe(1)
    expect(placed.webhooks).toHaveLength(1)
    const [webhook] = placed.webhooks
    expect(JSON.parse(webhook!.body)).toMatchObject({
      source: { eventType: 'PO_CREATED' },
      payload: { purchaseOrderId: placed.orderId },
    })

    const order = await receive(webhook!)
    expect(order.externalId).toBe(placed.orderId)
    expect(order.status).toBe('awaiting_fulfillment')
    expect(order.placedAt).toBe(AT.toISOString())
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['TEE-BLK-M', 2],
      ['MUG-WHT', 1],
    ])
    expect(order.totals.total.amountMinor).toBeGreaterThan(0)
  })

  it('signs with the sandbox HMAC secret over the exact body', () => {
    state.stock.set('SKU', 1)
    const placed = walmartEmulator.placeOrder(state, [{ sku: 'SKU', quantity: 1 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    const [webhook] = placed.webhooks
    expect(webhook!.path).toBe('/webhooks/walmart/demo')
    expect(webhook!.headers['x-walmart-signature']).toBe(
      walmartHmac(webhook!.body, 'sandbox-walmart-hmac-secret', 'base64'),
    )
    // Any change to the body breaks it.
    const tampered = { ...webhook!, body: webhook!.body.replace('"1"', '"2"') }
    const verified = walmart.ingress.verify(inbound(tampered), {
      credentials: credentials(),
      now: new Date(),
    })
    expect(verified).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('refuses an order a line of which exceeds the stock, taking nothing', () => {
    state.stock.set('A', 3)
    state.stock.set('B', 1)
    const placed = walmartEmulator.placeOrder(
      state,
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
      ],
      AT,
    )
    expect(placed.accepted).toBe(false)
    expect(state.stock.get('A')).toBe(3)
    expect(state.stock.get('B')).toBe(1)
    expect(state.stats).toMatchObject({ ordersAccepted: 0, ordersRefused: 1 })
    expect(state.orders.size).toBe(0)
  })

  it('a cancellation returns the stock and hydrates to a cancelled order', async () => {
    state.stock.set('A', 4)
    const placed = walmartEmulator.placeOrder(state, [{ sku: 'A', quantity: 3 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    expect(state.stock.get('A')).toBe(1)

    const later = new Date(AT.getTime() + 60_000)
    const webhooks = walmartEmulator.cancelOrder(state, placed.orderId, later)
    expect(state.stock.get('A')).toBe(4)
    expect(webhooks).toHaveLength(1)
    expect(JSON.parse(webhooks[0]!.body)).toMatchObject({
      source: { eventType: 'PO_LINE_AUTOCANCELLED' },
    })
    const order = await receive(webhooks[0]!)
    expect(order.status).toBe('cancelled')
    expect(order.updatedAt).toBe(later.toISOString())
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([['A', 3]])

    // Once only: a second cancellation, or one of an unknown order, changes nothing.
    expect(walmartEmulator.cancelOrder(state, placed.orderId, later)).toEqual([])
    expect(walmartEmulator.cancelOrder(state, 'no-such-order', later)).toEqual([])
    expect(state.stock.get('A')).toBe(4)
  })

  it('an order the seller does not have is "not visible yet" to the hub', async () => {
    const err = await failure(client().getOrder('1799999999999'))
    expect(err.kind).toBe('transient')
    expect(err.details).toMatchObject({ status: 404, code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' })
  })
})

describe('authentication and headers', () => {
  it('refuses wrong client credentials at the token endpoint', async () => {
    const err = await failure(
      stock.write(client({ clientSecret: 'not-the-secret' }), unit('A'), push(1)),
    )
    expect(err.kind).toBe('unauthorized')
    expect(err.details).toMatchObject({ status: 401, code: 'UNAUTHORIZED.GMP_GATEWAY_API' })
    expect(state.stock.has('A')).toBe(false)
    expect(state.stats.rejected).toBe(1)
  })

  const headers = {
    accept: 'application/json',
    'wm_svc.name': 'Walmart Marketplace',
    'wm_qos.correlation_id': '5f0c1a4e-0000-4000-8000-000000000001',
  }

  async function call(path: string, sent: Record<string, string>) {
    const res = await request(`${emulatorUrl}/walmart${path}`, { method: 'GET', headers: sent })
    return {
      status: res.statusCode,
      body: (await res.body.json()) as { error: { code: string }[] },
    }
  }

  it('refuses an API call without a valid WM_SEC.ACCESS_TOKEN', async () => {
    for (const token of [undefined, 'made-up-token']) {
      const sent = token === undefined ? headers : { ...headers, 'wm_sec.access_token': token }
      const { status, body } = await call('/v3/inventory?sku=A', sent)
      expect(status).toBe(401)
      expect(body.error[0]?.code).toBe('UNAUTHORIZED.GMP_GATEWAY_API')
    }
  })

  it('an access token expires expires_in (900 s) after it was issued, on the marketplace clock', async () => {
    const api = client()
    await stock.write(api, unit('A'), push(1))
    const issuedBy = Date.now()
    // The hub's clock stands still; Walmart's moves on.
    state.now = () => new Date(issuedBy + 899_000)
    await stock.write(api, unit('A'), push(2))
    state.now = () => new Date(issuedBy + 900_000)
    await stock.write(api, unit('A'), push(3)) // refused once, then sent with a new token
    expect(state.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v3/token',
      'PUT /v3/inventory',
      'PUT /v3/inventory',
      'PUT /v3/inventory',
      'POST /v3/token',
      'PUT /v3/inventory',
    ])
    expect(state.stats.rejected).toBe(1)
    expect(state.stock.get('A')).toBe(3)
  })

  it('gives each error the category and severity the error-codes table lists for its code', () => {
    expect(walmartErrorEntry({ code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' })).toMatchObject({
      category: 'APPLICATION',
      severity: 'INFO',
    })
    expect(walmartErrorEntry({ code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API' })).toMatchObject(
      { category: 'REQUEST', severity: 'ERROR' },
    )
    expect(walmartErrorEntry(UNAUTHORIZED)).toMatchObject({ category: 'DATA', severity: 'ERROR' })
  })

  it('answers a path no API serves with 404 URI_NOT_FOUND', async () => {
    const { status, body } = await call('/v3/inventory/A', headers)
    expect(status).toBe(404)
    expect(body.error[0]).toMatchObject({
      code: 'URI_NOT_FOUND.GMP_GATEWAY_API',
      category: 'DATA',
      severity: 'ERROR',
    })
  })

  it('refuses a call without WM_SVC.NAME or WM_QOS.CORRELATION_ID', async () => {
    const { 'wm_svc.name': _name, ...noName } = headers
    const { 'wm_qos.correlation_id': _id, ...noId } = headers
    const missingName = await call('/v3/inventory?sku=A', noName)
    expect(missingName.status).toBe(400)
    expect(missingName.body.error[0]).toMatchObject({ field: 'WM_SVC.NAME' })
    const missingId = await call('/v3/inventory?sku=A', noId)
    expect(missingId.status).toBe(400)
    expect(missingId.body.error[0]).toMatchObject({ field: 'WM_QOS.CORRELATION_ID' })
  })
})

describe('throttling', () => {
  it('answers the injected 429s, which the hub reads as rate-limited', async () => {
    const api = client()
    await stock.write(api, unit('A'), push(1)) // the token is fetched; only the write is throttled
    state.throttleNext = 2
    for (const quantity of [2, 3]) {
      const err = await failure(stock.write(api, unit('A'), push(quantity)))
      expect(err.kind).toBe('rate-limited')
      expect(err.details.status).toBe(429)
      // Walmart sends no Retry-After for these APIs: the client's documented default wait.
      expect(err.details.retryAfterMs).toBe(DEFAULT_RATE_LIMIT_WAIT_MS)
    }
    expect(state.stock.get('A')).toBe(1)
    await stock.write(api, unit('A'), push(4))
    expect(state.stock.get('A')).toBe(4)
    expect(state.stats).toMatchObject({ throttled: 2, stockWrites: 2 })
  })

  it('enforces its per-API limit on a caller that does not pace itself', async () => {
    const api = client({ rateLimitPerSecond: 1_000 })
    await stock.read(api, unit('A')) // the token, and a read that uses another API's allowance
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => stock.write(api, unit(`S${i}`), push(i))),
    )
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
    expect(refused.length).toBeGreaterThan(0)
    expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(10)
    for (const err of refused) {
      expect(err).toBeInstanceOf(ChannelApiError)
      expect((err as ChannelApiError).kind).toBe('rate-limited')
    }
    expect(state.stats.throttled).toBe(refused.length)
  })

  it('a hub pacing itself at its default rate is not throttled', async () => {
    const api = client() // rateLimitPerSecond 5, the sandbox default
    await Promise.all(Array.from({ length: 8 }, (_, i) => stock.write(api, unit(`P${i}`), push(i))))
    expect(state.stats.throttled).toBe(0)
    expect(state.stats.stockWrites).toBe(8)
  })
})
