// The Amazon emulator over real HTTP, driven by the hub's own SP-API client (undici transport,
// sandbox credentials, LWA token exchange included): the conformance suite every emulated channel
// runs (src/sandbox/conformance.ts), with the client the connector builds for the account, then
// what is Amazon's own: getOrderItems pages by an opaque NextToken, offers at other channel codes
// stay apart from the stock table, the MFN quantity report comes in an EventBridge event whose API
// key the hub checks, wrong LWA credentials, tokens and request shapes are refused as Amazon
// refuses them, tokens expire and usage plans refill by the marketplace's clock, and usage-plan
// 429s reach the hub as `rate-limited` with the wait `x-amzn-RateLimit-Limit` implies.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { createAmazonClient, type AmazonClient } from '../../../connectors/amazon/client.js'
import { amazon, type AmazonCredentials } from '../../../connectors/amazon/index.js'
import { amazonStock } from '../../../connectors/amazon/stock.js'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import { systemClock } from '../../clock.js'
import { describeEmulatorConformance } from '../conformance.js'
import type { ChannelState } from '../types.js'
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

/** The client the connector builds for the account (with SNS confirmation around the SP-API one). */
const accountClient = () =>
  amazon.client(credentials(), { transport, clock: systemClock }) as AmazonClient

const unit = (sku: string) => amazonStock.unit.parse(amazonEmulator.listingUnit(sku))
const push = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'k' })

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

describeEmulatorConformance({
  emulated: amazonEmulator,
  emulator,
  connector: amazon,
  client: accountClient,
  stock: amazonStock,
  // The listings API accepts a patch and applies it later (the emulator's table changes at once).
  writeStatus: 'queued',
  // ORDER_CHANGE names the order; getOrder and getOrderItems give the rest.
  thinOrderWebhooks: true,
  orderId: /^\d{3}-\d{7}-\d{7}$/,
  timeAs: (at) => at.toISOString(),
  unknownOrder: { id: '113-0000000-0000000', details: { status: 404 }, says: 'NotFound' },
  // No Retry-After: the client waits one period of the listings APIs' rate, 5/s.
  injectedRetryAfterMs: 200,
  skip: [
    {
      reason:
        'The sandbox posts as an EventBridge API destination, authenticated by its API key header, ' +
        'not over the body (see "is refused by the hub without the API key")',
      tests: ['signs its webhooks over the exact body: a changed byte is a bad signature'],
    },
  ],
})

describe('stock', () => {
  it('reads a listing at another channel code as null', async () => {
    state.stock.set('TEE-BLK-M', 3)
    const fba = amazonStock.unit.parse({
      sellerSku: 'TEE-BLK-M',
      fulfillmentChannelCode: 'AMAZON_NA',
    })
    expect(await amazonStock.read(client(), fba)).toBeNull()
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
  it('posts LISTINGS_ITEM_MFN_QUANTITY_CHANGE in an EventBridge event', () => {
    state.stock.set('TEE-BLK-M', 7)
    const webhook = amazonEmulator.reportStock!(state, 'TEE-BLK-M', AT)
    expect(JSON.parse(webhook!.body)).toMatchObject({
      'detail-type': 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE',
    })
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
  it('enforces patchListingsItem at burst 5 against a client that does not pace itself', async () => {
    // The marketplace's clock stands still, so the plan refills nothing however slow the calls.
    const frozen = new Date()
    state.now = () => frozen
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
    const frozen = new Date() // no token comes back between the calls, however slow they are
    state.now = () => frozen
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
