// The Walmart emulator over real HTTP, driven by the hub's own Walmart client (undici transport,
// sandbox credentials): the conformance suite every emulated channel runs
// (src/sandbox/conformance.ts), then what is Walmart's own: stock at each ship node, orders
// announced by PO_CREATED and cancelled by PO_LINE_AUTOCANCELLED under the sandbox's HMAC secret,
// wrong credentials, headers, expired tokens and unknown paths refused as Walmart refuses them, and
// its per-API rate limit answered 429, which the hub reads as `rate-limited`.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import { DEFAULT_RATE_LIMIT_WAIT_MS } from '../../../connectors/walmart/client.js'
import { walmart, type WalmartCredentials } from '../../../connectors/walmart/index.js'
import { systemClock } from '../../clock.js'
import { describeEmulatorConformance } from '../conformance.js'
import { UNAUTHORIZED, walmartErrorEntry } from './admission.js'
import { walmartHmac } from './sign.js'
import type { ChannelState } from '../types.js'
import { walmartEmulator } from './index.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from './seller.js'
import { failure } from '../../../test/helpers/channel-client.js'
import { useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'

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

describeEmulatorConformance({
  emulated: walmartEmulator,
  emulator,
  connector: walmart,
  client,
  stock,
  writeStatus: 'applied',
  // PO_CREATED and the line events name the purchase order; Get an order gives the rest.
  thinOrderWebhooks: true,
  orderId: /^\d{13}$/,
  timeAs: (at) => at.toISOString(),
  unknownOrder: {
    id: '1799999999999',
    details: { status: 404, code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' },
    says: 'not found',
  },
  // No Retry-After for these APIs: the client's documented default wait.
  injectedRetryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
  skip: [
    {
      reason:
        'Walmart has no stock-report webhook (channels.md §3 B4): the emulator has no reportStock',
      tests: [
        'reportStock is keyed like the listing',
        'reports nothing for a SKU the seller does not list',
      ],
    },
  ],
})

describe('stock', () => {
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
  it('announces an order by PO_CREATED and its cancellation by PO_LINE_AUTOCANCELLED', () => {
    state.stock.set('A', 4)
    const placed = walmartEmulator.placeOrder(state, [{ sku: 'A', quantity: 3 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    expect(JSON.parse(placed.webhooks[0]!.body)).toMatchObject({
      source: { eventType: 'PO_CREATED' },
      payload: { purchaseOrderId: placed.orderId },
    })
    const [cancelled] = walmartEmulator.cancelOrder(state, placed.orderId, AT)
    expect(JSON.parse(cancelled!.body)).toMatchObject({
      source: { eventType: 'PO_LINE_AUTOCANCELLED' },
      payload: { purchaseOrderId: placed.orderId },
    })
  })

  it('signs with the sandbox HMAC secret, in base64 over the exact body', () => {
    state.stock.set('SKU', 1)
    const placed = walmartEmulator.placeOrder(state, [{ sku: 'SKU', quantity: 1 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    const [webhook] = placed.webhooks
    expect(webhook!.headers['x-walmart-signature']).toBe(
      walmartHmac(webhook!.body, 'sandbox-walmart-hmac-secret', 'base64'),
    )
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
  it('enforces its per-API limit on a caller that does not pace itself', async () => {
    // The marketplace's clock stands still, so the limit refills nothing however slow the calls.
    const frozen = new Date()
    state.now = () => frozen
    const api = client({ rateLimitPerSecond: 1_000 })
    await stock.read(api, unit('A')) // the token, and a read that uses another API's allowance
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => stock.write(api, unit(`S${i}`), push(i))),
    )
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
    // A burst of 10 gets through, and nothing more.
    expect(outcomes.length - refused.length).toBe(10)
    expect(refused).toHaveLength(20)
    for (const err of refused) {
      expect(err).toBeInstanceOf(ChannelApiError)
      expect((err as ChannelApiError).kind).toBe('rate-limited')
    }
    expect(state.stats).toMatchObject({ throttled: 20, stockWrites: 10 })
  })

  it('a hub pacing itself at its default rate is not throttled', async () => {
    const api = client() // rateLimitPerSecond 5, the sandbox default
    await Promise.all(Array.from({ length: 8 }, (_, i) => stock.write(api, unit(`P${i}`), push(i))))
    expect(state.stats.throttled).toBe(0)
    expect(state.stats.stockWrites).toBe(8)
  })
})
