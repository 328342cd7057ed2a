// Issue 13 item 1: an SNS message is trusted only with a certificate fetched from an SNS regional
// endpoint that is issued to SNS's signing name, valid, and chains to a trusted root. Through the
// running hub (msw standing in for SNS's certificate host, a test CA as the only trusted root):
// every refusal is a 401 naming the verification failure, stores nothing, is logged with the
// certificate's fault, is not cached (the right certificate at the same URL is accepted next),
// and the hub keeps serving.
import { http, HttpResponse } from 'msw'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AmazonCredentials } from '../../../connectors/amazon/index.js'
import { snsHeaders } from '../../../src/sandbox/amazon/sign.js'
import { fetchTransport } from '../../helpers/fetch-transport.js'
import { loadFixture } from '../../helpers/fixtures.js'
import { useTestHub } from '../../helpers/hub.js'
import {
  createSnsSigner,
  createTestCa,
  sharedTestCa,
  TEST_CERT_URL,
  TEST_TOPIC_ARN,
  type SnsSigner,
} from '../../helpers/sns-certificates.js'
import { mswServer } from '../../setup-msw.js'
import { capturedLog } from '../../helpers/log-lines.js'
import { inboxCount } from '../../helpers/load.js'

const { log, lines } = capturedLog('warn')

const trustedCa = await sharedTestCa()
const hub = useTestHub({
  listen: true,
  transport: fetchTransport(),
  log: log,
  certificateRoots: [trustedCa.certificate],
  accounts: [
    {
      channel: 'amazon',
      id: 'us',
      credentials: AmazonCredentials.parse({
        sns: { topicArns: [TEST_TOPIC_ARN] },
        sellerId: 'A1B2C3D4E5F6G7',
        marketplaceIds: ['ATVPDKIKX0DER'],
        lwa: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
      }),
    },
  ],
})

/** What the certificate host serves at each URL; every fetch is counted. */
const served = new Map<string, string>()
const fetched: string[] = []
beforeEach(() => {
  fetched.length = 0
  mswServer.use(
    http.get(/^https?:\/\/[^/]*sns[^/]*\/.*/, ({ request }) => {
      fetched.push(request.url)
      const pem = served.get(request.url)
      return pem ? new HttpResponse(pem) : new HttpResponse('NoSuchKey', { status: 404 })
    }),
  )
})

let good: SnsSigner
let untrusted: SnsSigner
let misnamed: SnsSigner
let expired: SnsSigner
beforeAll(async () => {
  ;[good, untrusted, misnamed, expired] = await Promise.all([
    createSnsSigner(),
    createTestCa('Someone Else’s Root').then((issuer) => createSnsSigner({ issuer })),
    createSnsSigner({ name: 'sns.example.com' }),
    createSnsSigner({
      validity: { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') },
    }),
  ])
})

let serial = 0
function message(signer: SnsSigner, certUrl: string): string {
  serial += 1
  const fx = loadFixture('amazon', 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns')
  const sns = JSON.parse(fx.body) as Record<string, unknown>
  const inner = String(sns.Message).replace(
    /("NotificationId"\s*:\s*")[^"]+/,
    `$1hostile-cert-${serial}`,
  )
  return signer.sign({ ...sns, Message: inner, MessageId: `hostile-cert-${serial}` }, '2', {
    SigningCertURL: certUrl,
  })
}

const post = (body: string) =>
  fetch(`${hub.url}/webhooks/amazon/us`, { method: 'POST', headers: snsHeaders(body), body })

const storedWebhooks = () => inboxCount(hub.deps.db)

async function expectRefused(body: string) {
  const res = await post(body)
  expect(res.status).toBe(401)
  expect(await res.json()).toEqual({ error: 'verification failed', reason: 'bad-signature' })
}

describe('SNS signing certificates', () => {
  it('refuses certificates from an untrusted CA, for another name, or expired, and says why in the log', async () => {
    const before = await storedWebhooks()
    const cases = [
      ['untrusted', untrusted, /no trusted issuer/],
      ['misnamed', misnamed, /not sns\.amazonaws\.com/],
      ['expired', expired, /is not valid at/],
    ] as const
    for (const [what, signer, reason] of cases) {
      const url = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${what}.pem`
      served.set(url, signer.certificatePem)
      await expectRefused(message(signer, url))
      expect(
        lines.find((l) => l.msg === 'signing certificate refused' && l.url === url),
        what,
      ).toMatchObject({ level: 40, reason: expect.stringMatching(reason) })
    }
    expect(await storedWebhooks()).toBe(before)
  })

  it('never caches a refused certificate: the right one at the same URL is accepted next', async () => {
    const url = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-rotated.pem'
    served.set(url, untrusted.certificatePem)
    await expectRefused(message(good, url))
    served.set(url, good.certificatePem)
    const res = await post(message(good, url))
    expect(res.status).toBe(200)
    expect(fetched.filter((u) => u === url)).toHaveLength(2)
    // Now cached as good: the next message does not fetch again.
    expect((await post(message(good, url))).status).toBe(200)
    expect(fetched.filter((u) => u === url)).toHaveLength(2)
  })

  it('fetches nothing from the S3 "sns" bucket hosts of the issue, or lookalikes', async () => {
    const before = await storedWebhooks()
    for (const host of [
      'sns.s3-us-west-2.amazonaws.com',
      'sns.s3-external-1.amazonaws.com',
      'sns.us-east-1.amazonaws.com.evil.com',
    ]) {
      const url = `https://${host}/SimpleNotificationService-0.pem`
      // Even serving a certificate the hub would trust changes nothing.
      served.set(url, good.certificatePem)
      await expectRefused(message(good, url))
    }
    expect(fetched).toEqual([])
    expect(await storedWebhooks()).toBe(before)
  })

  it('still serves: a well-signed message with the trusted certificate is accepted', async () => {
    served.set(TEST_CERT_URL, good.certificatePem)
    expect((await post(message(good, TEST_CERT_URL))).status).toBe(200)
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200)
  })
})
