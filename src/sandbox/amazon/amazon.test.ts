// The Amazon emulator over real HTTP, driven by the hub's own SP-API client (undici transport,
// sandbox credentials, LWA token exchange included): stock writes and reads change and return the
// emulator's stock table, placed and cancelled orders give ORDER_CHANGE posts that the connector
// verifies and the normalizer (with the order hydrated through the emulator) maps to the lines
// placed, getOrderItems pages by an opaque NextToken, offers at other channel codes stay apart
// from the stock table, the MFN quantity report matches the listing's unit key, wrong LWA
// credentials, tokens and request shapes are refused as Amazon refuses them, tokens expire and
// usage plans refill by the marketplace's clock, and injected and usage-plan 429s reach the hub
// as `rate-limited` with the wait `x-amzn-RateLimit-Limit` implies.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { createAmazonClient, type AmazonClient } from '../../../connectors/amazon/client.js'
import { amazon, type AmazonCredentials } from '../../../connectors/amazon/index.js'
import { amazonStock } from '../../../connectors/amazon/stock.js'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import { normalizers, parseJsonBody } from '../../../normalizers/index.js'
import type { Observation } from '../../../normalizers/types.js'
import { systemClock } from '../../clock.js'
import type { OrderSnapshot } from '../../events/index.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { amazonEmulator, createAmazonEmulator, listOffer } from './index.js'
import { failure } from '../../../test/helpers/channel-client.js'
import { inbound, useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'

const transport = createUndiciTransport({ policy: CHANNEL_API_POLICY })
const AT = new Date('2026-11-22T12:00:00Z')

const emulator = useEmulatedChannel(amazonEmulator)
let emulatorUrl: string
let state: ChannelState
beforeEach(() => {
  ;({ url: emulatorUrl, state } = emulator)
})

function credentials(overrides: Partial<AmazonCredentials> = {}): AmazonCredentials {
  return amazon.credentials.parse({ ...amazon.sandboxCredentials(emulatorUrl), ...overrides })
}

function client(overrides: Partial<AmazonCredentials> = {}): AmazonClient {
  return createAmazonClient(credentials(overrides), { transport, clock: systemClock })
}

const unit = (sku: string) => amazonStock.unit.parse(amazonEmulator.listingUnit(sku))
const push = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'k' })

/** Verify → normalize (→ hydrate through the emulator → normalize): the observations. */
async function receive(webhook: SignedWebhook): Promise<readonly Observation[]> {
  const creds = credentials()
  const verified = amazon.ingress.verify(inbound(webhook), { credentials: creds, now: new Date() })
  if (!verified.ok) throw new Error(`refused: ${verified.reason}`)
  const input = {
    channel: 'amazon' as const,
    accountId: 'demo',
    topic: verified.topic,
    dedupeKey: verified.dedupeKey,
    receivedAt: new Date(),
    body: parseJsonBody(webhook.body),
  }
  let result = normalizers.amazon.normalize(input)
  if (result.kind === 'hydrate') {
    // The client the hub builds for the account (with SNS confirmation around it).
    const hydrated = await amazon
      .client(creds, { transport, clock: systemClock })
      .hydrate(result.needs)
    result = normalizers.amazon.normalize({ ...input, hydrated })
  }
  if (result.kind !== 'observations') throw new Error(JSON.stringify(result))
  return result.observations
}

async function receiveOrder(webhook: SignedWebhook): Promise<OrderSnapshot> {
  const [observation, ...rest] = await receive(webhook)
  if (observation?.kind !== 'order' || rest.length > 0) throw new Error('expected one order')
  return observation.snapshot
}

/** A raw SP-API call with the account's token, for what the client never sends. */
async function raw(
  method: 'GET' | 'PATCH',
  path: string,
  init: { token?: string; body?: string; contentType?: string } = {},
) {
  const token = init.token ?? (await accessToken())
  const res = await request(`${emulatorUrl}/amazon${path}`, {
    method,
    headers: {
      'x-amz-access-token': token,
      ...(init.contentType === undefined ? {} : { 'content-type': init.contentType }),
    },
    body: init.body,
  })
  return { status: res.statusCode, headers: res.headers, body: await res.body.json() }
}

async function accessToken(): Promise<string> {
  const { lwa } = credentials()
  const res = await request(`${emulatorUrl}/amazon/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: lwa.refreshToken,
      client_id: lwa.clientId,
      client_secret: lwa.clientSecret,
    }).toString(),
  })
  const body = (await res.body.json()) as { access_token: string }
  return body.access_token
}

const SELLER = 'ASANDBOXSELLER'
const US = 'ATVPDKIKX0DER'
const listingPath = (sku: string, query = `marketplaceIds=${US}`) =>
  `/listings/2021-08-01/items/${SELLER}/${encodeURIComponent(sku)}?${query}`
const quantityPatch = (value: unknown) =>
  JSON.stringify({
    productType: 'PRODUCT',
    patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value }],
  })

describe('stock', () => {
  it('a write sets the stock table at once and a read returns it', async () => {
    const api = client()
    const result = await amazonStock.write(api, unit('TEE-BLK-M'), push(17))
    expect(result).toEqual({ status: 'queued', quantity: 17 })
    expect(state.stock.get('TEE-BLK-M')).toBe(17)
    expect(state.stats.stockWrites).toBe(1)
    expect(await amazonStock.read(api, unit('TEE-BLK-M'))).toBe(17)
    await amazonStock.write(api, unit('TEE-BLK-M'), push(0))
    expect(await amazonStock.read(api, unit('TEE-BLK-M'))).toBe(0)
  })

  it('works through the client the connector builds for the account', async () => {
    // amazon.client wraps the SP-API client for SNS confirmation; the stock calls must survive it.
    const api = amazon.client(credentials(), { transport, clock: systemClock }) as AmazonClient
    await amazonStock.write(api, unit('MUG-WHT'), push(4))
    expect(await amazonStock.read(api, unit('MUG-WHT'))).toBe(4)
  })

  it('reads a SKU the seller does not list as null, and another channel code as null', async () => {
    const api = client()
    expect(await amazonStock.read(api, unit('NEVER-LISTED'))).toBeNull()
    state.stock.set('TEE-BLK-M', 3)
    const fba = amazonStock.unit.parse({
      sellerSku: 'TEE-BLK-M',
      fulfillmentChannelCode: 'AMAZON_NA',
    })
    expect(await amazonStock.read(api, fba)).toBeNull()
  })

  it('keeps SKUs with reserved characters intact', async () => {
    const api = client()
    await amazonStock.write(api, unit('TEE BLK/M+(1)'), push(5))
    expect(state.stock.get('TEE BLK/M+(1)')).toBe(5)
    expect(await amazonStock.read(api, unit('TEE BLK/M+(1)'))).toBe(5)
  })

  it('refuses an FBA channel code as INVALID, which the client makes permanent', async () => {
    const fba = amazonStock.unit.parse({
      sellerSku: 'TEE-BLK-M',
      fulfillmentChannelCode: 'AMAZON_NA',
    })
    const err = await failure(amazonStock.write(client(), fba, push(3)))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('INVALID')
    expect(state.stock.has('TEE-BLK-M')).toBe(false)
  })

  it('refuses a marketplace the seller does not sell in', async () => {
    const uk = amazonStock.unit.parse({
      sellerSku: 'TEE-BLK-M',
      marketplaceIds: ['A1F83G8C2ARO7P'],
    })
    const err = await failure(amazonStock.write(client(), uk, push(3)))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 400, code: 'InvalidInput' } })
    expect(state.stats.rejected).toBe(1)
  })

  it('refuses request shapes Amazon refuses', async () => {
    const token = await accessToken()
    const patch = (path: string, body: string, contentType = 'application/json') =>
      raw('PATCH', path, { token, body, contentType })
    const bareObject = await patch(
      listingPath('A'),
      quantityPatch({ fulfillment_channel_code: 'DEFAULT', quantity: 1 }),
    )
    expect(bareObject.status).toBe(400)
    expect(bareObject.body).toMatchObject({ errors: [{ code: 'InvalidInput' }] })
    const twoMarketplaces = await patch(
      listingPath('A', `marketplaceIds=${US},A2EUQ1WTGCTBG2`),
      quantityPatch([{ fulfillment_channel_code: 'DEFAULT', quantity: 1 }]),
    )
    expect(twoMarketplaces.status).toBe(400)
    const noProductType = await patch(listingPath('A'), JSON.stringify({ patches: [] }))
    expect(noProductType.status).toBe(400)
    const notJson = await patch(listingPath('A'), 'quantity=1', 'text/plain')
    expect(notJson.status).toBe(400)
    const otherSeller = await raw('GET', listingPath('A').replace(SELLER, 'AOTHERSELLER'), {
      token,
    })
    expect(otherSeller.status).toBe(400)
    expect(state.stock.size).toBe(0)
    expect(state.stats.rejected).toBe(5)
  })

  it('answers getListingsItem with the parts asked for', async () => {
    state.stock.set('TEE-BLK-M', 2)
    const both = await raw(
      'GET',
      listingPath(
        'TEE-BLK-M',
        `marketplaceIds=${US}&includedData=summaries,fulfillmentAvailability`,
      ),
    )
    expect(both.status).toBe(200)
    expect(both.body).toMatchObject({
      sku: 'TEE-BLK-M',
      summaries: [{ marketplaceId: US, status: ['BUYABLE', 'DISCOVERABLE'] }],
      fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 2 }],
    })
    const byDefault = await raw('GET', listingPath('TEE-BLK-M'))
    expect(byDefault.body).not.toHaveProperty('fulfillmentAvailability')
    const missing = await raw('GET', listingPath('NOPE'))
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] })
  })

  it('keeps offers at other channel codes apart from the stock table', async () => {
    const api = client()
    const supplySource = amazonStock.unit.parse({
      sellerSku: 'TEE-BLK-M',
      fulfillmentChannelCode: 'MY_STORE_1',
    })
    await amazonStock.write(api, supplySource, push(4))
    expect(state.stock.has('TEE-BLK-M')).toBe(false)
    listOffer(state, 'TEE-BLK-M', 'AMAZON_NA', 40)
    listOffer(state, 'TEE-BLK-M', 'AMAZON_EU')
    await amazonStock.write(api, unit('TEE-BLK-M'), push(2))
    await expect(api.getListingQuantity({ sku: 'TEE-BLK-M' })).resolves.toMatchObject({
      quantities: { DEFAULT: 2, MY_STORE_1: 4, AMAZON_NA: 40, AMAZON_EU: null },
    })
    expect(state.stock.get('TEE-BLK-M')).toBe(2)
  })
})

describe('orders', () => {
  it('a placed order is announced Unshipped, hydrates through the emulator and takes stock', async () => {
    state.stock.set('TEE-BLK-M', 5)
    state.stock.set('MUG-WHT', 1)
    const placed = amazonEmulator.placeOrder(
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
    const [webhook, ...more] = placed.webhooks
    expect(more).toEqual([])
    expect(webhook?.path).toBe('/webhooks/amazon/demo')
    const order = await receiveOrder(webhook!)
    expect(order).toMatchObject({
      externalId: placed.orderId,
      status: 'awaiting_fulfillment',
      paymentStatus: 'paid',
      currency: 'USD',
    })
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['TEE-BLK-M', 2],
      ['MUG-WHT', 1],
    ])
    const subtotal = order.lines.reduce((sum, l) => sum + l.unitPrice.amountMinor * l.quantity, 0)
    expect(order.totals.total.amountMinor).toBe(subtotal)
    expect(subtotal).toBeGreaterThan(0)
  })

  it('refuses an order a line of which exceeds the stock, taking nothing', () => {
    state.stock.set('TEE-BLK-M', 5)
    state.stock.set('MUG-WHT', 1)
    const placed = amazonEmulator.placeOrder(
      state,
      [
        { sku: 'TEE-BLK-M', quantity: 1 },
        { sku: 'MUG-WHT', quantity: 2 },
      ],
      AT,
    )
    expect(placed).toMatchObject({ accepted: false })
    expect(amazonEmulator.placeOrder(state, [{ sku: 'UNLISTED', quantity: 1 }], AT)).toMatchObject({
      accepted: false,
    })
    expect(state.stock.get('TEE-BLK-M')).toBe(5)
    expect(state.stock.get('MUG-WHT')).toBe(1)
    expect(state.stats).toMatchObject({ ordersAccepted: 0, ordersRefused: 2 })
    expect(state.orders.size).toBe(0)
  })

  it('a cancellation returns the stock and hydrates as a cancelled order', async () => {
    state.stock.set('TEE-BLK-M', 5)
    const placed = amazonEmulator.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 3 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    const later = new Date(AT.getTime() + 60_000)
    const [webhook, ...more] = amazonEmulator.cancelOrder(state, placed.orderId, later)
    expect(more).toEqual([])
    expect(state.stock.get('TEE-BLK-M')).toBe(5)
    const order = await receiveOrder(webhook!)
    expect(order).toMatchObject({ externalId: placed.orderId, status: 'cancelled' })
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([['TEE-BLK-M', 3]])
    // Cancelling again (or an unknown order) changes nothing and sends nothing.
    expect(amazonEmulator.cancelOrder(state, placed.orderId, later)).toEqual([])
    expect(amazonEmulator.cancelOrder(state, '113-0000000-0000000', later)).toEqual([])
    expect(state.stock.get('TEE-BLK-M')).toBe(5)
  })

  it('gives every order its own id', () => {
    state.stock.set('TEE-BLK-M', 10)
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const placed = amazonEmulator.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], AT)
      if (!placed.accepted) throw new Error(placed.reason)
      expect(placed.orderId).toMatch(/^\d{3}-\d{7}-\d{7}$/)
      ids.add(placed.orderId)
    }
    expect(ids.size).toBe(5)
  })

  it('answers 404 for an order the seller does not have', async () => {
    const err = await failure(client().getOrder('113-0000000-0000000'))
    expect(err).toMatchObject({ kind: 'transient', details: { status: 404 } })
  })

  it('pages getOrderItems by an opaque NextToken, refused unencoded or for another order', async () => {
    emulator.use(createAmazonEmulator({ orderItemsPerPage: 2 }))
    const skus = ['A', 'B', 'C', 'D', 'E']
    for (const sku of skus) state.stock.set(sku, 2)
    const lines = skus.map((sku) => ({ sku, quantity: 1 }))
    const placed = amazonEmulator.placeOrder(state, lines, AT)
    const other = amazonEmulator.placeOrder(state, [{ sku: 'A', quantity: 1 }], AT)
    if (!placed.accepted || !other.accepted) throw new Error('refused')
    const items = (id: string, query = '') =>
      raw('GET', `/orders/v0/orders/${id}/orderItems${query}`)
    const first = await items(placed.orderId)
    const token = (first.body as { payload: { NextToken: string } }).payload.NextToken
    expect(token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(token).toMatch(/[+/=]/)
    expect((await items(placed.orderId, `?NextToken=${token}`)).status).toBe(400)
    expect((await items(other.orderId, `?NextToken=${encodeURIComponent(token)}`)).status).toBe(400)
    const got = await client().getOrderItems(placed.orderId)
    expect(got.map((item) => item.SellerSKU)).toEqual(skus)
  })
})

describe('stock report', () => {
  it('posts LISTINGS_ITEM_MFN_QUANTITY_CHANGE in an EventBridge event, keyed like the listing', async () => {
    state.stock.set('TEE-BLK-M', 7)
    const webhook = amazonEmulator.reportStock!(state, 'TEE-BLK-M', AT)
    expect(amazonEmulator.reportStock!(state, 'UNLISTED', AT)).toBeUndefined()
    expect(JSON.parse(webhook!.body)).toMatchObject({
      'detail-type': 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE',
    })
    const [observation, ...rest] = await receive(webhook!)
    expect(rest).toEqual([])
    if (observation?.kind !== 'inventory-level') throw new Error('expected an inventory level')
    expect(observation.data.available).toBe(7)
    expect(amazonStock.reportedUnitKey(observation.data.listing)).toBe(
      amazonStock.unitKey(unit('TEE-BLK-M')),
    )
  })

  it('is refused by the hub without the API key', () => {
    state.stock.set('TEE-BLK-M', 7)
    const webhook = amazonEmulator.reportStock!(state, 'TEE-BLK-M', AT)!
    const forged = { ...webhook, headers: { ...webhook.headers, 'x-api-key': 'guessed' } }
    expect(
      amazon.ingress.verify(inbound(forged), { credentials: credentials(), now: new Date() }),
    ).toEqual({ ok: false, reason: 'bad-signature' })
  })
})

describe('authentication', () => {
  it('refuses a wrong client secret as invalid_client, which the client makes unauthorized', async () => {
    const { lwa } = credentials()
    const api = client({ lwa: { ...lwa, clientSecret: 'guessed' } })
    const err = await failure(amazonStock.read(api, unit('TEE-BLK-M')))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 401, code: 'invalid_client' },
    })
    expect(state.stats.rejected).toBe(1)
  })

  it('refuses a wrong refresh token as invalid_grant, which the client makes unauthorized', async () => {
    const { lwa } = credentials()
    const api = client({ lwa: { ...lwa, refreshToken: 'Atzr|guessed' } })
    const err = await failure(amazonStock.write(api, unit('TEE-BLK-M'), push(1)))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 400, code: 'invalid_grant' },
    })
    expect(state.stock.size).toBe(0)
  })

  it('refuses an SP-API call without an issued access token', async () => {
    state.stock.set('TEE-BLK-M', 1)
    for (const token of ['', 'Atza|guessed']) {
      const answer = await raw('GET', listingPath('TEE-BLK-M'), { token })
      expect(answer.status).toBe(403)
      expect(answer.body).toEqual({
        errors: [
          { code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' },
        ],
      })
    }
    expect(state.stats).toMatchObject({ calls: 2, rejected: 2, throttled: 0 })
  })
})

describe('throttling', () => {
  it('answers injected 429s without Retry-After; the client waits one period of the rate', async () => {
    state.throttleNext = 1
    const err = await failure(amazonStock.write(client(), unit('TEE-BLK-M'), push(1)))
    // patchListingsItem's rate is 5/s: x-amzn-RateLimit-Limit 5.0 → 200 ms.
    expect(err).toMatchObject({ kind: 'rate-limited', details: { status: 429, retryAfterMs: 200 } })
    expect(state.stats.throttled).toBe(1)
    expect(state.stock.has('TEE-BLK-M')).toBe(false)
    await amazonStock.write(client(), unit('TEE-BLK-M'), push(1))
    expect(state.stock.get('TEE-BLK-M')).toBe(1)
  })

  it('enforces patchListingsItem at burst 5 against a client that does not pace itself', async () => {
    const unpaced = client({
      rateLimits: { patchListingsItem: { perSecond: 1_000, burst: 1_000 } },
    })
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => amazonStock.write(unpaced, unit(`SKU-${i}`), push(i))),
    )
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    expect(refused).toHaveLength(3)
    for (const err of refused) {
      expect(err).toBeInstanceOf(ChannelApiError)
      expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 200 } })
    }
    expect(state.stats).toMatchObject({ stockWrites: 5, throttled: 3 })
  })

  it('throttles getOrder at its own plan, with its rate in the 429', async () => {
    emulator.use(createAmazonEmulator({ usagePlans: { getOrder: { perSecond: 0.5, burst: 1 } } }))
    state.stock.set('TEE-BLK-M', 1)
    const placed = amazonEmulator.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], AT)
    if (!placed.accepted) throw new Error(placed.reason)
    const api = client()
    await api.getOrder(placed.orderId)
    const err = await failure(api.getOrder(placed.orderId))
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 2_000 } })
    const answer = await raw('GET', `/orders/v0/orders/${placed.orderId}`)
    expect(answer.status).toBe(429)
    expect(answer.headers['x-amzn-ratelimit-limit']).toBe('0.5')
    expect(answer.headers['retry-after']).toBeUndefined()
    expect(answer.body).toMatchObject({ errors: [{ code: 'QuotaExceeded' }] })
  })
})

describe('the marketplace clock', () => {
  it('expires access tokens an hour after issuing them, by state.now', async () => {
    const start = Date.now()
    state.now = () => new Date(start)
    state.stock.set('TEE-BLK-M', 1)
    const token = await accessToken()
    expect((await raw('GET', listingPath('TEE-BLK-M'), { token })).status).toBe(200)
    state.now = () => new Date(start + 3_600_000)
    const expired = await raw('GET', listingPath('TEE-BLK-M'), { token })
    expect(expired.status).toBe(403)
    expect(expired.body).toMatchObject({
      errors: [{ message: 'The security token included in the request is expired' }],
    })
  })

  it('refills a usage plan by state.now, not by real time', async () => {
    emulator.use(
      createAmazonEmulator({ usagePlans: { getListingsItem: { perSecond: 1, burst: 1 } } }),
    )
    let now = Date.now()
    state.now = () => new Date(now)
    state.stock.set('TEE-BLK-M', 1)
    const token = await accessToken()
    const read = async () => (await raw('GET', listingPath('TEE-BLK-M'), { token })).status
    expect(await read()).toBe(200)
    expect(await read()).toBe(429)
    now += 999
    expect(await read()).toBe(429)
    now += 1
    expect(await read()).toBe(200)
  })
})
