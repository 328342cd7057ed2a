// De-risks Amazon end to end on real Postgres, Redis, workers and sockets, with msw standing in
// for SNS (its signing certificate and SubscribeURL) and handing Login with Amazon and the Orders
// API to the Amazon emulator: SNS messages verify only when signed by a certificate from an SNS
// host for a listed topic, and nothing else is stored or fetched; a subscription is confirmed
// exactly once; an ORDER_CHANGE reaches a subscriber as a complete order.created.v1, even when
// getOrder answers 429 first.
import { http, HttpResponse } from 'msw'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AmazonCredentials } from '../../connectors/amazon/index.js'
import { createAmazonEmulator, type AmazonSeller } from '../../src/sandbox/amazon/index.js'
import { eventBridgeHeaders, snsHeaders } from '../../src/sandbox/amazon/sign.js'
import { useEmulatorOverMsw } from '../helpers/emulator-msw.js'
import { fetchTransport } from '../helpers/fetch-transport.js'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { inboxCount } from '../helpers/load.js'
import { eventAbout, useReceiver } from '../helpers/receiver.js'
import {
  createSnsSigner,
  sharedTestCa,
  TEST_CERT_URL,
  TEST_TOPIC_ARN,
  type SnsSigner,
} from '../helpers/sns-certificates.js'
import { subscribe } from '../helpers/subscriptions.js'
import { mswServer } from '../setup-msw.js'

const API = 'https://sellingpartnerapi-na.amazon.test'
const LWA_BASE = 'https://api.amazon.test'
const SELLER: AmazonSeller = {
  sellerId: 'A1B2C3D4E5F6G7',
  marketplaceIds: ['ATVPDKIKX0DER'],
  lwa: { clientId: 'it-lwa-client', clientSecret: 'it-lwa-secret', refreshToken: 'it-refresh' },
  apiKey: { header: 'x-api-key', value: 'it-eventbridge-api-key' },
}

// getOrder at 5/s: a seller's own plan (Orders v0 plans are dynamic), so a 429 says wait 200 ms.
const emulator = useEmulatorOverMsw(
  createAmazonEmulator({
    seller: SELLER,
    usagePlans: { getOrder: { perSecond: 5, burst: 30 } },
  }),
  { bases: [API, LWA_BASE] },
)

const hub = useTestHub({
  listen: true,
  workers: true,
  transport: fetchTransport(),
  // The test CA that issued the signer's certificate stands in for the system roots.
  certificateRoots: [(await sharedTestCa()).certificate],
  env: { NORMALIZE_MAX_ATTEMPTS: '3' },
  accounts: [
    {
      channel: 'amazon',
      id: 'us',
      credentials: AmazonCredentials.parse({
        staticHeader: { name: SELLER.apiKey.header, values: [{ apiKey: SELLER.apiKey.value }] },
        sns: { topicArns: [TEST_TOPIC_ARN] },
        sellerId: SELLER.sellerId,
        marketplaceIds: SELLER.marketplaceIds,
        lwa: SELLER.lwa,
        apiBaseUrl: API,
        lwaTokenUrl: `${LWA_BASE}/auth/o2/token`,
      }),
    },
  ],
})
const receiver = useReceiver()

// A certificate URL of the first test's own: the hub caches certificates by URL, so whichever test
// ran before, its first message finds nothing cached for it and fetches it.
const FIRST_FETCH_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1111111111111111111111.pem'

let signer: SnsSigner
const certFetches: string[] = []
const confirmations: string[] = []
beforeAll(async () => {
  signer = await createSnsSigner()
})
beforeEach(() => {
  mswServer.use(
    // Every SNS-looking host, legitimate or not, so a fetch that should never happen is counted.
    http.get(/^https?:\/\/sns\.[^/]+\/.*/, ({ request }) => {
      const url = new URL(request.url)
      if (url.pathname.endsWith('.pem')) {
        certFetches.push(request.url)
        return [TEST_CERT_URL, FIRST_FETCH_CERT_URL].includes(request.url)
          ? new HttpResponse(signer.certificatePem)
          : new HttpResponse('forged', { status: 200 })
      }
      confirmations.push(request.url)
      return new HttpResponse(
        '<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:sp-api-notifications:3f1c</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>',
        { headers: { 'content-type': 'text/xml' } },
      )
    }),
  )
})

const storedWebhooks = () => inboxCount(hub.deps.db)

function postSns(body: string) {
  return fetch(`${hub.url}/webhooks/amazon/us`, {
    method: 'POST',
    headers: snsHeaders(body),
    body,
  })
}

let serial = 0
/** The SNS fixture as a new message: fresh MessageId and NotificationId, then signed. */
function snsMessage(name: string, version: '1' | '2', overrides: Record<string, unknown> = {}) {
  serial += 1
  const fx = loadFixture('amazon', name)
  const message = JSON.parse(fx.body) as Record<string, unknown>
  const inner = String(message.Message).replace(
    /("NotificationId"\s*:\s*")[^"]+/,
    `$1it-notification-${serial}`,
  )
  return signer.sign(
    { ...message, Message: inner, MessageId: `it-message-${serial}` },
    version,
    overrides,
  )
}

describe('SNS deliveries', () => {
  it('accepts messages signed with SignatureVersion 1 and 2 by the SNS certificate', async () => {
    const fetchesBefore = certFetches.length
    for (const version of ['1', '2'] as const) {
      const res = await postSns(
        snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', version, {
          SigningCertURL: FIRST_FETCH_CERT_URL,
        }),
      )
      expect(res.status, version).toBe(200)
    }
    // Fetched once, then served from the cache.
    expect(certFetches.slice(fetchesBefore)).toEqual([FIRST_FETCH_CERT_URL])
  })

  it('rejects tampering, foreign certificate hosts and unknown topics with 401, storing and fetching nothing', async () => {
    // SNS's certificate is in the cache, as after any earlier message: the tampered one is checked
    // against it, so anything fetched below was fetched for a refused message.
    const warm = await postSns(snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2'))
    expect(warm.status).toBe(200)
    const before = await storedWebhooks()
    const fetchesBefore = certFetches.length
    const tampered = JSON.parse(
      snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2'),
    ) as Record<string, unknown>
    tampered.Message = String(tampered.Message).replace(/"Quantity"\s*:\s*\d+/, '"Quantity":9999')
    const cases = {
      tampered: JSON.stringify(tampered),
      'sns.evil.com': snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2', {
        SigningCertURL: 'https://sns.evil.com/SimpleNotificationService-1.pem',
      }),
      'suffix host': snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2', {
        SigningCertURL:
          'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem',
      }),
      'plain http': snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2', {
        SigningCertURL: 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem',
      }),
      'unexpected topic': snsMessage('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns', '2', {
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:not-ours',
      }),
    }
    for (const [what, body] of Object.entries(cases)) {
      expect((await postSns(body)).status, what).toBe(401)
    }
    expect(await storedWebhooks()).toBe(before)
    expect(certFetches.length).toBe(fetchesBefore) // nothing fetched from the foreign hosts
  })

  it('confirms a subscription to a listed topic exactly once, however often SNS asks', async () => {
    const confirmationsBefore = confirmations.length
    const body = snsMessage('SNS_SUBSCRIPTION_CONFIRMATION/basic-sns', '2')
    expect((await postSns(body)).status).toBe(200)
    expect((await postSns(body)).status).toBe(200)
    await vi.waitFor(
      async () => {
        const rows = await hub.deps.db
          .selectFrom('channel_subscription')
          .select(['topic', 'subscription_id'])
          .execute()
        expect(rows).toEqual([
          {
            topic: TEST_TOPIC_ARN,
            subscription_id: 'arn:aws:sns:us-east-1:123456789012:sp-api-notifications:3f1c',
          },
        ])
      },
      { timeout: 10_000, interval: 50 },
    )
    const subscribeUrl = String((JSON.parse(body) as { SubscribeURL: string }).SubscribeURL)
    expect(confirmations.slice(confirmationsBefore)).toEqual([subscribeUrl])
  })
})

describe('ORDER_CHANGE, end to end', () => {
  function serveOrder(fixture: string): string {
    const fx = loadFixture('amazon', fixture)
    const [key, record] = Object.entries(fx.hydrated ?? {})[0]!
    const { order, orderItems } = record as { order: object; orderItems: object[] }
    const orderId = key.replace(/^order:/, '')
    emulator.state.orders.set(orderId, { order, orderItems })
    return orderId
  }

  it('arrives at the subscriber as a complete order.created.v1, after waiting out a 429', async () => {
    await subscribe(hub.app, receiver.url, ['order.*'])
    const orderId = serveOrder('ORDER_CHANGE/unshipped-eventbridge')
    // Amazon throttles the first three calls (getOrder's): 429 QuotaExceeded, no Retry-After,
    // x-amzn-RateLimit-Limit 5.0.
    emulator.state.throttleNext = 3
    const fx = loadFixture('amazon', 'ORDER_CHANGE/unshipped-eventbridge')
    const res = await fetch(`${hub.url}/webhooks/amazon/us`, {
      method: 'POST',
      headers: eventBridgeHeaders(SELLER.apiKey),
      body: fx.body,
    })
    expect(res.status).toBe(200)

    const event = await eventAbout(receiver, `order/${orderId}`)
    // Three 429s against three attempts: a rate limit that spent attempts would have failed it.
    expect(emulator.state.stats.throttled).toBe(3)
    const getOrders = emulator.state.requests.filter((r) => r.path.endsWith(orderId))
    expect(getOrders).toHaveLength(4)
    expect(event).toMatchObject({
      type: 'order.created.v1',
      source: '/amazon/us',
      subject: `order/${orderId}`,
    })
    if (event.type !== 'order.created.v1') throw new Error('unreachable')
    expect(event.data.order.lines.length).toBeGreaterThan(0)
    expect(event.data.order.totals.total.amountMinor).toBeGreaterThan(0)
  })
})
