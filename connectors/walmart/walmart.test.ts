// De-risks Walmart ingress: the shared conformance suite passes for each authentication mode
// (Basic, HMAC, hub-issued OAuth tokens, signed performance webhooks), and the Walmart specifics
// hold: a request is checked by the mode whose header it carries, HMAC's unconfirmed encoding is
// configurable, a key id selects its secret, the path is signed, the partner binding is enforced.
import { describe, expect, it } from 'vitest'
import {
  basicAuthHeader,
  walmartHmac,
  walmartSignedHeaders,
} from '../../src/sandbox/walmart/sign.js'
import { listFixtures, loadFixture } from '../../test/helpers/fixtures.js'
import { describeConnectorConformance } from '../conformance.js'
import type { InboundRequest, IssuedToken } from '../types.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'

const NOW = new Date('2026-11-22T12:00:00Z')
const WALMART_URL = 'http://hub.test/webhooks/walmart/demo'
const fixtures = listFixtures('walmart')
const USER = 'walmart'
const HMAC_HEADER = 'x-walmart-signature'

const credentials = (
  webhookAuth: readonly unknown[],
  more: Record<string, unknown> = {},
): WalmartCredentials =>
  WalmartCredentials.parse({
    webhookAuth,
    clientId: 'api-client',
    clientSecret: 'api-secret',
    ...more,
  })

/** A webhook as the hub's ingress route receives it at `url`. */
const walmartRequest = (
  body: string,
  headers: Record<string, string>,
  url = WALMART_URL,
): InboundRequest => ({
  rawBody: Buffer.from(body, 'utf8'),
  headers: { 'content-type': 'application/json', ...headers },
  url,
  method: 'POST',
})

const basic = (secrets: readonly string[]) => ({
  method: 'BASIC_AUTH',
  users: secrets.map((password) => ({ userName: USER, password })),
})
const hmac = (secrets: readonly string[], encoding = 'either') => ({
  method: 'HMAC',
  headerName: HMAC_HEADER,
  secrets: [...secrets],
  encoding,
})
const oauth = { method: 'OAUTH', clients: [{ clientId: 'wm', clientSecret: 'wm-secret' }] }
const signed = (secrets: ReadonlyArray<string | { keyId: string; secret: string }>) => ({
  method: 'SIGNED',
  secrets: secrets.map((s) => (typeof s === 'string' ? { secret: s } : s)),
})

describeConnectorConformance({
  label: 'BASIC_AUTH',
  connector: walmart,
  fixtures,
  authenticatesBody: false,
  sign: (fx, secret) => walmartRequest(fx.body, { authorization: basicAuthHeader(USER, secret) }),
  credentialsWith: (secrets) => credentials([basic(secrets)]),
  requiredHeaders: ['authorization'],
  skip: [{ reason: 'HTTP Basic carries no timestamp', tests: ['a stale timestamp is rejected'] }],
})

describeConnectorConformance({
  label: 'HMAC',
  connector: walmart,
  fixtures,
  sign: (fx, secret) =>
    walmartRequest(fx.body, { [HMAC_HEADER]: walmartHmac(fx.body, secret, 'hex') }),
  credentialsWith: (secrets) => credentials([hmac(secrets)]),
  requiredHeaders: [HMAC_HEADER],
  skip: [
    {
      reason: 'authMethod=HMAC signs no timestamp (channels.md §3 A2)',
      tests: ['a stale timestamp is rejected'],
    },
  ],
})

// Bearer tokens stand in for secrets: an account "with secrets S" is one the hub issued tokens S
// to, valid for an hour; one more token expired a second ago.
const EXPIRED_TOKEN = 'token-that-expired'
describeConnectorConformance({
  label: 'OAUTH',
  connector: walmart,
  fixtures,
  authenticatesBody: false,
  sign: (fx, token) => walmartRequest(fx.body, { authorization: `Bearer ${token}` }),
  signStale: (fx) => walmartRequest(fx.body, { authorization: `Bearer ${EXPIRED_TOKEN}` }),
  credentialsWith: () => credentials([oauth]),
  issuedTokens: (tokens, now): IssuedToken[] => [
    ...tokens.map((token) => ({ token, expiresAt: new Date(now.getTime() + 3_600_000) })),
    { token: EXPIRED_TOKEN, expiresAt: new Date(now.getTime() - 1_000) },
  ],
  requiredHeaders: ['authorization'],
})

describeConnectorConformance({
  label: 'SIGNED',
  connector: walmart,
  fixtures,
  sign: (fx, secret, now) =>
    walmartRequest(fx.body, walmartSignedHeaders(fx.body, secret, { url: WALMART_URL, at: now })),
  signStale: (fx, secret, now) =>
    walmartRequest(
      fx.body,
      walmartSignedHeaders(fx.body, secret, {
        url: WALMART_URL,
        at: new Date(now.getTime() - 301_000),
      }),
    ),
  credentialsWith: (secrets) => credentials([signed(secrets)]),
  requiredHeaders: ['wm_sec.signature', 'wm_sec.timestamp'],
})

const fx = loadFixture('walmart', 'PO_CREATED/basic')
const envelope = JSON.parse(fx.body) as {
  source: { eventId: string; eventType: string; eventTime: string }
  payload: { partnerId: string }
}
const verify = (req: InboundRequest, creds: WalmartCredentials, issuedToken?: IssuedToken) =>
  walmart.ingress.verify(req, {
    credentials: creds,
    now: NOW,
    ...(issuedToken ? { issuedToken } : {}),
  })

describe('walmart verify specifics', () => {
  it('reads event type, event id and event time from the body', () => {
    const req = walmartRequest(fx.body, { authorization: basicAuthHeader(USER, 'pw') })
    expect(verify(req, credentials([basic(['pw'])]))).toEqual({
      ok: true,
      topic: envelope.source.eventType,
      dedupeKey: envelope.source.eventId,
      channelTime: new Date(envelope.source.eventTime),
    })
  })

  it('checks each request with the mode whose credential it carries', () => {
    const creds = credentials([basic(['pw']), oauth, hmac(['k'])])
    const token = { token: 'tok', expiresAt: new Date(NOW.getTime() + 60_000) }
    const byBasic = walmartRequest(fx.body, { authorization: basicAuthHeader(USER, 'pw') })
    const byBearer = walmartRequest(fx.body, { authorization: 'Bearer tok' })
    const byHmac = walmartRequest(fx.body, { [HMAC_HEADER]: walmartHmac(fx.body, 'k', 'base64') })
    expect(verify(byBasic, creds)).toMatchObject({ ok: true })
    expect(verify(byBearer, creds, token)).toMatchObject({ ok: true })
    expect(verify(byHmac, creds)).toMatchObject({ ok: true })
    expect(verify(walmartRequest(fx.body, {}), creds)).toEqual({
      ok: false,
      reason: 'missing-header',
    })
  })

  it('refuses a credential of a scheme the account does not use', () => {
    const req = walmartRequest(fx.body, { authorization: 'Bearer some-token' })
    expect(verify(req, credentials([basic(['pw'])]))).toEqual({ ok: false, reason: 'malformed' })
  })

  it('takes HMAC in hex or base64 by default, and only the configured one when set', () => {
    const hex = walmartRequest(fx.body, { [HMAC_HEADER]: walmartHmac(fx.body, 'k', 'hex') })
    const b64 = walmartRequest(fx.body, { [HMAC_HEADER]: walmartHmac(fx.body, 'k', 'base64') })
    expect(verify(hex, credentials([hmac(['k'])]))).toMatchObject({ ok: true })
    expect(verify(b64, credentials([hmac(['k'])]))).toMatchObject({ ok: true })
    expect(verify(b64, credentials([hmac(['k'], 'hex')]))).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    expect(verify(hex, credentials([hmac(['k'], 'base64')]))).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('refuses an expired or foreign bearer token', () => {
    const creds = credentials([oauth])
    const req = walmartRequest(fx.body, { authorization: 'Bearer tok' })
    expect(verify(req, creds)).toEqual({ ok: false, reason: 'bad-signature' })
    const expired = { token: 'tok', expiresAt: NOW }
    expect(verify(req, creds, expired)).toEqual({ ok: false, reason: 'stale' })
    expect(walmart.ingress.presentedToken(req, creds)).toBe('tok')
    expect(walmart.ingress.presentedToken(req, credentials([basic(['pw'])]))).toBeUndefined()
  })

  it('signs the path and query: the same signature on another URL fails', () => {
    const headers = walmartSignedHeaders(fx.body, 's', { url: WALMART_URL, at: NOW })
    const creds = credentials([signed(['s'])])
    expect(verify(walmartRequest(fx.body, headers), creds)).toMatchObject({ ok: true })
    const moved = walmartRequest(fx.body, headers, 'http://hub.test/webhooks/walmart/demo?x=1')
    expect(verify(moved, creds)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('checks a key id against its own secret only', () => {
    const creds = credentials([
      signed([
        { keyId: 'new', secret: 's2' },
        { keyId: 'old', secret: 's1' },
      ]),
    ])
    const asOld = walmartSignedHeaders(fx.body, 's1', { url: WALMART_URL, at: NOW, keyId: 'old' })
    expect(verify(walmartRequest(fx.body, asOld), creds)).toMatchObject({ ok: true })
    const mislabelled = walmartSignedHeaders(fx.body, 's1', {
      url: WALMART_URL,
      at: NOW,
      keyId: 'new',
    })
    expect(verify(walmartRequest(fx.body, mislabelled), creds)).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('refuses a signed timestamp from the future beyond the window, and a malformed one', () => {
    const creds = credentials([signed(['s'])])
    const ahead = walmartSignedHeaders(fx.body, 's', {
      url: WALMART_URL,
      at: new Date(NOW.getTime() + 301_000),
    })
    expect(verify(walmartRequest(fx.body, ahead), creds)).toEqual({ ok: false, reason: 'stale' })
    const bad = {
      ...walmartSignedHeaders(fx.body, 's', { url: WALMART_URL, at: NOW }),
      'wm_sec.timestamp': 'soon',
    }
    expect(verify(walmartRequest(fx.body, bad), creds)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('refuses a webhook for another partner when the account is bound to one', () => {
    const req = walmartRequest(fx.body, { authorization: basicAuthHeader(USER, 'pw') })
    const bound = (partnerId: string) => credentials([basic(['pw'])], { partnerId })
    expect(verify(req, bound(envelope.payload.partnerId))).toMatchObject({ ok: true })
    expect(verify(req, bound('1'))).toEqual({ ok: false, reason: 'account-mismatch' })
  })

  it('validates the auth configuration', () => {
    const parse = (webhookAuth: unknown) =>
      WalmartCredentials.safeParse({ webhookAuth, clientId: 'c', clientSecret: 's' }).success
    expect(parse([])).toBe(false)
    expect(parse([basic(['a']), basic(['b'])])).toBe(false)
    expect(parse([{ method: 'HMAC', secrets: ['k'] }])).toBe(false) // headerName is required
    expect(parse([{ ...hmac(['k']), headerName: 'bad header' }])).toBe(false)
    const modes = WalmartCredentials.parse({
      webhookAuth: [{ ...hmac(['k']), headerName: 'X-Walmart-Signature' }],
      clientId: 'c',
      clientSecret: 's',
    }).webhookAuth
    expect(modes[0]).toMatchObject({ headerName: 'x-walmart-signature', encoding: 'either' })
  })
})
