// De-risks Shopify ingress: every recorded delivery verifies over its exact bytes, the shared
// conformance suite passes, and the Shopify specifics (two header families, shop-domain binding,
// dedupe-key fallbacks) behave as channels.md §1 describes.
import { describe, expect, it } from 'vitest'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import { signedShopifyRequest } from '../../test/helpers/shopify-webhooks.js'
import { listFixtures, loadFixture } from '../../test/helpers/fixtures.js'
import { describeConnectorConformance } from '../conformance.js'
import type { InboundRequest } from '../types.js'
import { shopify } from './index.js'

const fixtures = listFixtures('shopify')
const NOW = new Date('2026-11-22T12:00:00Z')

describeConnectorConformance({
  connector: shopify,
  fixtures,
  sign: (fx, secret) => signedShopifyRequest(fx, secret),
  credentialsWith: (secrets) => ({ webhookSecrets: [...secrets] }),
  requiredHeaders: ['x-shopify-hmac-sha256', 'x-shopify-topic'],
  skip: [
    {
      reason: 'Shopify signs no timestamp (channels.md §1 A2)',
      tests: ['a stale timestamp is rejected'],
    },
  ],
})

const fx = loadFixture('shopify', 'orders-create/basic')
const verify = (
  req: InboundRequest,
  credentials: Parameters<typeof shopify.ingress.verify>[1]['credentials'],
) => shopify.ingress.verify(req, { credentials, now: NOW })
const secrets = { webhookSecrets: ['s3cret'] }

/** The newer "events" family: `shopify-*` headers instead of `x-shopify-*`. */
function asNewFamily(req: InboundRequest, drop: readonly string[] = []): InboundRequest {
  const headers = Object.fromEntries(
    Object.entries(req.headers)
      .filter(([name]) => !drop.includes(name))
      .map(([name, value]) => [name.replace(/^x-shopify-/, 'shopify-'), value]),
  )
  return { ...req, headers }
}

describe('shopify verify specifics', () => {
  it('accepts the newer shopify-* header family', () => {
    const outcome = verify(asNewFamily(signedShopifyRequest(fx, 's3cret')), secrets)
    expect(outcome).toMatchObject({
      ok: true,
      topic: 'orders/create',
      dedupeKey: fx.headers['x-shopify-webhook-id'],
    })
  })

  it('signs the exact bytes: re-serialized JSON does not verify', () => {
    const req = signedShopifyRequest(fx, 's3cret')
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(fx.body)))
    expect(reserialized.equals(Buffer.from(req.rawBody))).toBe(false)
    expect(verify({ ...req, rawBody: reserialized }, secrets)).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('rejects a hex-encoded signature (Shopify uses base64)', () => {
    const req = signedShopifyRequest(fx, 's3cret')
    const hex = Buffer.from(req.headers['x-shopify-hmac-sha256']!, 'base64').toString('hex')
    const headers = { ...req.headers, 'x-shopify-hmac-sha256': hex }
    expect(verify({ ...req, headers }, secrets)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('binds a configured shop domain', () => {
    const req = signedShopifyRequest(fx, 's3cret')
    const shop = req.headers['x-shopify-shop-domain']!
    expect(verify(req, { ...secrets, shopDomain: shop })).toMatchObject({ ok: true })
    expect(verify(req, { ...secrets, shopDomain: 'another-store.myshopify.com' })).toEqual({
      ok: false,
      reason: 'account-mismatch',
    })
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([h]) => h !== 'x-shopify-shop-domain'),
    )
    expect(verify({ ...req, headers }, { ...secrets, shopDomain: shop })).toEqual({
      ok: false,
      reason: 'missing-header',
    })
  })

  it('falls back to event id + topic + handle, then a body hash, for the dedupe key', () => {
    const req = asNewFamily(signedShopifyRequest(fx, 's3cret'), ['x-shopify-webhook-id'])
    const withHandle = { ...req, headers: { ...req.headers, 'shopify-handle': 'oms-orders' } }
    const byEvent = verify(withHandle, secrets)
    expect(byEvent).toMatchObject({
      ok: true,
      dedupeKey: `event:${fx.headers['x-shopify-event-id']}:orders/create:oms-orders`,
    })
    const bare = {
      ...req,
      headers: {
        'shopify-topic': 'orders/create',
        'shopify-hmac-sha256': signShopify(fx.body, 's3cret'),
      },
    }
    const byHash = verify(bare, secrets)
    expect(byHash.ok && byHash.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('reads X-Shopify-Triggered-At as the channel time and ignores an unreadable one', () => {
    const req = signedShopifyRequest(fx, 's3cret')
    const ok = verify(
      { ...req, headers: { ...req.headers, 'x-shopify-triggered-at': '2026-11-22T10:00:00.123Z' } },
      secrets,
    )
    expect(ok.ok && ok.channelTime?.toISOString()).toBe('2026-11-22T10:00:00.123Z')
    const bad = verify(
      { ...req, headers: { ...req.headers, 'x-shopify-triggered-at': 'yesterday' } },
      secrets,
    )
    expect(bad.ok && bad.channelTime).toBeUndefined()
  })
})
