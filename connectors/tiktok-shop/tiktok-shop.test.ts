// De-risks TikTok Shop ingress: every recorded delivery verifies over its exact bytes with the
// app key prepended, the shared conformance suite passes, and the TikTok specifics hold: the
// body timestamp window, the shop binding, exact ids, and no confusion with TikTok for
// Developers' `TikTok-Signature` scheme (channels.md §4 A2).
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { webhookSignature } from '../../src/sandbox/tiktok-shop/sign.js'
import { listFixtures, loadFixture } from '../../test/helpers/fixtures.js'
import { signedTikTokShopRequest, withTimestamp } from '../../test/helpers/tiktok-shop-webhooks.js'
import { describeConnectorConformance } from '../conformance.js'
import type { InboundRequest } from '../types.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShop, UNREADABLE_TOPIC } from './index.js'
import { MAX_CLOCK_SKEW_MS } from './verify.js'

const APP_KEY = 'test-app-key'
const NOW = new Date('2026-11-22T12:00:00Z')
const NOW_SECONDS = NOW.getTime() / 1000
const fixtures = listFixtures('tiktok-shop')

const credentials = (
  secrets: readonly string[],
  more: Partial<TikTokShopCredentials> = {},
): TikTokShopCredentials =>
  TikTokShopCredentials.parse({
    appKey: APP_KEY,
    appSecrets: [...secrets],
    accessToken: 'test-access-token',
    shopCipher: 'TEST_CIPHER',
    ...more,
  })

// The recorded bodies carry their own 2026 timestamps; the suite checks signatures, so its
// window is wide enough for all of them, and the stale case goes back to 1970.
const SUITE_WINDOW_SECONDS = 5 * 365 * 86_400

describeConnectorConformance({
  connector: tiktokShop,
  fixtures,
  sign: (fx, secret) => signedTikTokShopRequest(fx, APP_KEY, secret),
  credentialsWith: (secrets) =>
    credentials(secrets, { maxNotificationAgeSeconds: SUITE_WINDOW_SECONDS }),
  requiredHeaders: ['authorization'],
  signStale: (fx, secret) =>
    signedTikTokShopRequest(fx, APP_KEY, secret, withTimestamp(fx.body, 1)),
})

const fx = loadFixture('tiktok-shop', 'ORDER_STATUS_CHANGE/awaiting-shipment')
const verify = (req: InboundRequest, creds: TikTokShopCredentials = credentials(['s3cret'])) =>
  tiktokShop.ingress.verify(req, { credentials: creds, now: NOW })
const fresh = (body: string, secondsAgo = 60) => withTimestamp(body, NOW_SECONDS - secondsAgo)

describe('tiktok-shop verify specifics', () => {
  it('reads type, notification id and firing time from the signed body', () => {
    const body = fresh(fx.body)
    const outcome = verify(signedTikTokShopRequest(fx, APP_KEY, 's3cret', body))
    const parsed = JSON.parse(body) as { tts_notification_id: string }
    expect(outcome).toEqual({
      ok: true,
      topic: 'ORDER_STATUS_CHANGE',
      dedupeKey: parsed.tts_notification_id,
      channelTime: new Date((NOW_SECONDS - 60) * 1000),
    })
  })

  it('refuses a body older than the window, 24 hours by default, and accepts one inside it', () => {
    const sign = (body: string) => signedTikTokShopRequest(fx, APP_KEY, 's3cret', body)
    expect(verify(sign(fresh(fx.body, 24 * 3600 + 1)))).toEqual({ ok: false, reason: 'stale' })
    expect(verify(sign(fresh(fx.body, 23 * 3600)))).toMatchObject({ ok: true })
    const strict = credentials(['s3cret'], { maxNotificationAgeSeconds: 300 })
    expect(verify(sign(fresh(fx.body, 301)), strict)).toEqual({ ok: false, reason: 'stale' })
  })

  it('refuses a correctly signed body dated beyond the clock-skew tolerance in the future', () => {
    const sign = (body: string) => signedTikTokShopRequest(fx, APP_KEY, 's3cret', body)
    const skew = MAX_CLOCK_SKEW_MS / 1000
    expect(verify(sign(fresh(fx.body, -30 * 86_400)))).toEqual({ ok: false, reason: 'stale' })
    expect(verify(sign(fresh(fx.body, -(skew + 1))))).toEqual({ ok: false, reason: 'stale' })
    // A sender's clock a little ahead of ours is normal.
    expect(verify(sign(fresh(fx.body, -skew)))).toMatchObject({ ok: true })
    expect(verify(sign(fresh(fx.body, -30)))).toMatchObject({ ok: true })
  })

  it('signs the app key too: an HMAC of the body alone is a bad signature', () => {
    const body = fresh(fx.body)
    const bodyOnly = createHmac('sha256', 's3cret').update(body).digest('hex')
    const req = signedTikTokShopRequest(fx, APP_KEY, 's3cret', body)
    expect(verify({ ...req, headers: { ...req.headers, authorization: bodyOnly } })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    const otherKey = webhookSignature(body, 'another-app', 's3cret')
    expect(verify({ ...req, headers: { ...req.headers, authorization: otherKey } })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('does not take the TikTok for Developers scheme (TikTok-Signature, Bearer) for this one', () => {
    const body = fresh(fx.body)
    const req = signedTikTokShopRequest(fx, APP_KEY, 's3cret', body)
    const { authorization, ...rest } = req.headers
    expect(
      verify({ ...req, headers: { ...rest, 'tiktok-signature': `t=1,s=${authorization}` } }),
    ).toEqual({ ok: false, reason: 'missing-header' })
    expect(
      verify({ ...req, headers: { ...rest, authorization: `Bearer ${authorization}` } }),
    ).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('refuses a webhook for another shop when the account is bound to one', () => {
    const shopId = (JSON.parse(fx.body) as { shop_id: string }).shop_id
    const req = signedTikTokShopRequest(fx, APP_KEY, 's3cret', fresh(fx.body))
    expect(verify(req, credentials(['s3cret'], { shopId }))).toMatchObject({ ok: true })
    expect(verify(req, credentials(['s3cret'], { shopId: '1' }))).toEqual({
      ok: false,
      reason: 'account-mismatch',
    })
  })

  it('keeps a notification id sent as a bare number beyond 2^53 exact', () => {
    const body = `{"type":1,"tts_notification_id":7327112393057371911,"shop_id":"7494049642642441621","timestamp":${NOW_SECONDS},"data":{}}`
    const outcome = verify(signedTikTokShopRequest(fx, APP_KEY, 's3cret', body))
    expect(outcome).toMatchObject({ ok: true, dedupeKey: '7327112393057371911' })
  })

  it('accepts a signed body it cannot read, keyed by its digest, for the inbox to show as failed', () => {
    const body = '{"type":1,"tts_notification_id":'
    const outcome = verify(signedTikTokShopRequest(fx, APP_KEY, 's3cret', body))
    expect(outcome).toEqual({
      ok: true,
      topic: UNREADABLE_TOPIC,
      dedupeKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    })
  })

  it('names unknown types by number', () => {
    const body = `{"type":99,"tts_notification_id":"1","shop_id":"2","timestamp":${NOW_SECONDS},"data":{}}`
    expect(verify(signedTikTokShopRequest(fx, APP_KEY, 's3cret', body))).toMatchObject({
      ok: true,
      topic: 'TYPE_99',
    })
  })
})
