// De-risks Amazon ingress: the conformance suite passes for notifications authenticated by an
// EventBridge connection's static header, the header's three forms work, an EventBridge envelope
// is bound to its account and source, and SNS messages verify with SignatureVersion 1 and 2 only
// when signed by the certificate from an SNS host, for a listed topic (channels.md §2 A1).
import { beforeAll, describe, expect, it } from 'vitest'
import { eventBridgeHeaders, snsHeaders } from '../../src/sandbox/amazon/sign.js'
import { listFixtures, loadFixture } from '../../test/helpers/fixtures.js'
import {
  createSnsSigner,
  TEST_CERT_URL,
  TEST_TOPIC_ARN,
  type SnsSigner,
} from '../../test/helpers/sns-certificates.js'
import { describeConnectorConformance } from '../conformance.js'
import type { InboundRequest } from '../types.js'
import { AmazonCredentials } from './config.js'
import { amazon } from './index.js'

const NOW = new Date('2026-11-22T12:00:00Z')
const API_KEY_HEADER = 'x-hub-api-key'

/** A request as the ingress route hands it to `verify`. */
function amazonRequest(body: string, headers: Record<string, string>): InboundRequest {
  return {
    rawBody: Buffer.from(body, 'utf8'),
    headers: { 'content-type': 'application/json', ...headers },
    url: 'http://hub.test/webhooks/amazon/demo',
    method: 'POST',
  }
}
/** A post from an EventBridge API destination whose connection's API key is `apiKey`. */
const eventBridgeRequest = (body: string, apiKey: string) =>
  amazonRequest(body, eventBridgeHeaders({ header: API_KEY_HEADER, value: apiKey }))
const all = listFixtures('amazon')
const isSns = (name: string) => name.endsWith('-sns')

const credentials = (more: Record<string, unknown> = {}): AmazonCredentials =>
  AmazonCredentials.parse({
    staticHeader: { name: API_KEY_HEADER, values: [{ apiKey: 'k' }] },
    sns: { topicArns: [TEST_TOPIC_ARN] },
    sellerId: 'A1B2C3D4E5F6G7',
    marketplaceIds: ['ATVPDKIKX0DER'],
    lwa: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
    ...more,
  })

describeConnectorConformance({
  label: 'static header',
  connector: amazon,
  // SNS deliveries carry a signature of their own instead of the header; they are tested below.
  fixtures: all.filter((fx) => !isSns(fx.name)),
  sign: (fx, secret) => eventBridgeRequest(fx.body, secret),
  credentialsWith: (secrets) =>
    credentials({
      staticHeader: { name: API_KEY_HEADER, values: secrets.map((apiKey) => ({ apiKey })) },
    }),
  requiredHeaders: [API_KEY_HEADER],
  authenticatesBody: false,
  skip: [
    {
      reason: 'an EventBridge connection adds a static credential; nothing is timestamped',
      tests: ['a stale timestamp is rejected'],
    },
  ],
})

// SNS: each conformance "secret" stands for a signing key with its own certificate URL; an
// account "with secrets S" is one whose SNS certificates are those of S. Keys are generated up
// front (RSA generation is asynchronous) and handed out in the order secrets first appear.
const snsSigners = await Promise.all([createSnsSigner(), createSnsSigner(), createSnsSigner()])
const signerOf = new Map<string, { signer: SnsSigner; certUrl: string }>()
function snsKey(secret: string) {
  let key = signerOf.get(secret)
  if (!key) {
    const signer = snsSigners[signerOf.size]
    if (!signer) throw new Error('more SNS signing keys needed than generated')
    const certUrl = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${signerOf.size}.pem`
    key = { signer, certUrl }
    signerOf.set(secret, key)
  }
  return key
}
const signSns = (fx: { body: string }, secret: string) => {
  const { signer, certUrl } = snsKey(secret)
  const message = JSON.parse(fx.body) as Record<string, unknown>
  const body = signer.sign(message, '2', { SigningCertURL: certUrl })
  return amazonRequest(body, snsHeaders(body))
}

describeConnectorConformance({
  label: 'SNS',
  connector: amazon,
  fixtures: all.filter((fx) => isSns(fx.name)),
  sign: signSns,
  credentialsWith: () => credentials(),
  certificatesWith: (secrets) =>
    new Map(
      secrets.map((secret) => [snsKey(secret).certUrl, snsKey(secret).signer.certificatePem]),
    ),
  requiredHeaders: ['x-amz-sns-message-type'],
  skip: [
    {
      reason:
        'SNS signs its Timestamp, but retries a message for up to an hour with the same one; the inbox dedupe key is the replay defence',
      tests: ['a stale timestamp is rejected'],
    },
  ],
})

const verify = (req: InboundRequest, creds = credentials(), certificates?: Map<string, string>) =>
  amazon.ingress.verify(req, {
    credentials: creds,
    now: NOW,
    ...(certificates ? { certificates } : {}),
  })

describe('amazon static header', () => {
  const fx = loadFixture('amazon', 'ORDER_CHANGE/unshipped-eventbridge')

  it('accepts the Basic and bearer forms in Authorization', () => {
    const creds = credentials({
      staticHeader: {
        values: [{ basic: { userName: 'eb', password: 'pw' } }, { bearer: 'static-token' }],
      },
    })
    const basic = `Basic ${Buffer.from('eb:pw').toString('base64')}`
    expect(verify(amazonRequest(fx.body, { authorization: basic }), creds)).toMatchObject({
      ok: true,
    })
    expect(
      verify(amazonRequest(fx.body, { authorization: 'Bearer static-token' }), creds),
    ).toMatchObject({ ok: true })
    expect(verify(amazonRequest(fx.body, { authorization: 'Bearer other' }), creds)).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('reads type, notification id and event time from the notification', () => {
    const event = JSON.parse(fx.body) as {
      detail: {
        NotificationType: string
        EventTime: string
        NotificationMetadata: { NotificationId: string }
      }
    }
    expect(verify(eventBridgeRequest(fx.body, 'k'))).toEqual({
      ok: true,
      topic: event.detail.NotificationType,
      dedupeKey: event.detail.NotificationMetadata.NotificationId,
      channelTime: new Date(event.detail.EventTime),
    })
  })

  it('binds an EventBridge envelope to the configured account and source', () => {
    const event = JSON.parse(fx.body) as { account: string; source: string }
    const req = eventBridgeRequest(fx.body, 'k')
    const bound = (eventBridge: object) => verify(req, credentials({ eventBridge }))
    expect(bound({ account: event.account, source: event.source })).toMatchObject({ ok: true })
    expect(bound({ account: '999999999999' })).toEqual({ ok: false, reason: 'account-mismatch' })
    expect(bound({ source: 'aws.partner/elsewhere' })).toEqual({
      ok: false,
      reason: 'account-mismatch',
    })
  })

  it('refuses a header-authenticated post to an account configured for SNS only', () => {
    const snsOnly = credentials({ staticHeader: undefined })
    expect(verify(eventBridgeRequest(fx.body, 'k'), snsOnly)).toEqual({
      ok: false,
      reason: 'missing-header',
    })
  })
})

describe('amazon SNS', () => {
  let signer: SnsSigner
  beforeAll(async () => {
    signer = await createSnsSigner()
  })
  const certs = () => new Map([[TEST_CERT_URL, signer.certificatePem]])
  const snsFixture = loadFixture('amazon', 'ORDER_CHANGE/unshipped-sns')
  const message = () => JSON.parse(snsFixture.body) as Record<string, unknown>
  const snsRequest = (body: string) => amazonRequest(body, snsHeaders(body))
  const signed = (version: '1' | '2', overrides?: Record<string, unknown>) =>
    snsRequest(signer.sign(message(), version, overrides))

  it('verifies SignatureVersion 1 and 2 with the certificate, and unwraps the notification', () => {
    for (const version of ['1', '2'] as const) {
      const req = signed(version)
      expect(amazon.ingress.certificateUrl(req, credentials())).toBe(TEST_CERT_URL)
      expect(verify(req, credentials(), certs()), version).toMatchObject({
        ok: true,
        topic: 'ORDER_CHANGE',
      })
    }
  })

  it('rejects a tampered Message, a missing certificate, and another key', async () => {
    const tampered = JSON.parse(signer.sign(message(), '2')) as Record<string, unknown>
    tampered.Message = String(tampered.Message).replace('Unshipped', 'Canceled')
    expect(verify(snsRequest(JSON.stringify(tampered)), credentials(), certs())).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    expect(verify(signed('2'), credentials())).toEqual({ ok: false, reason: 'bad-signature' })
    const other = await createSnsSigner()
    const byOther = snsRequest(other.sign(message(), '2'))
    expect(verify(byOther, credentials(), certs())).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('never fetches a certificate from a URL that is not an https .pem on an SNS host', () => {
    for (const url of [
      'https://sns.evil.com/cert.pem',
      'https://sns.us-east-1.amazonaws.com.evil.com/cert.pem',
      'http://sns.us-east-1.amazonaws.com/cert.pem',
      'https://sns.us-east-1.amazonaws.com/cert.txt',
      'https://sns.us-east-1.amazonaws.com:8443/cert.pem',
      'https://user@sns.us-east-1.amazonaws.com/cert.pem',
    ]) {
      const req = signed('2', { SigningCertURL: url })
      expect(amazon.ingress.certificateUrl(req, credentials()), url).toBeUndefined()
      // Even with that URL's "certificate" at hand, the message is refused.
      const forged = new Map([[url, signer.certificatePem]])
      expect(verify(req, credentials(), forged), url).toEqual({
        ok: false,
        reason: 'bad-signature',
      })
    }
  })

  it('refuses a topic the account does not list, before fetching anything', () => {
    const req = signed('2', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:someone-else' })
    expect(amazon.ingress.certificateUrl(req, credentials())).toBeUndefined()
    expect(verify(req, credentials(), certs())).toEqual({ ok: false, reason: 'account-mismatch' })
  })

  it('records a subscription confirmation under its own topic, keyed by MessageId', () => {
    const confirmation = loadFixture('amazon', 'SNS_SUBSCRIPTION_CONFIRMATION/basic-sns')
    const body = JSON.parse(confirmation.body) as Record<string, unknown>
    const req = snsRequest(signer.sign(body, '1'))
    expect(verify(req, credentials(), certs())).toEqual({
      ok: true,
      topic: 'SNS_SUBSCRIPTION_CONFIRMATION',
      dedupeKey: `sns:${String(body.MessageId)}`,
    })
  })

  it('requires the SNS message-type header, agreeing with the signed body', () => {
    const body = signer.sign(message(), '2')
    const { 'x-amz-sns-message-type': _type, ...withoutType } = snsHeaders(body)
    expect(verify(amazonRequest(body, withoutType), credentials(), certs())).toEqual({
      ok: false,
      reason: 'missing-header',
    })
    const mislabelled = {
      ...snsHeaders(body),
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
    }
    expect(verify(amazonRequest(body, mislabelled), credentials(), certs())).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })
})
