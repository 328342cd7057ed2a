// De-risks the hub against hostile requests on the channels whose ingress reads the body
// (TikTok Shop, Walmart, Amazon) as well as Shopify: deeply nested JSON, ids far beyond 2^53,
// invalid UTF-8, forged and truncated signatures, and header injection each get the right
// answer, store nothing unless the request was authentic, and leave the process serving.
import { connect } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import { webhookHeaders as tiktokShopHeaders } from '../../src/sandbox/tiktok-shop/sign.js'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { SANDBOX_SHOPIFY_SECRET } from '../helpers/shopify-webhooks.js'

const hub = useTestHub({ listen: true, workers: true })
// The sandbox demo accounts' published credentials (connectors/*/index.ts).
const TIKTOK = { appKey: 'sandbox-tiktok-app-key', secret: 'sandbox-tiktok-app-secret' }

const inbox = () =>
  hub.deps.db
    .selectFrom('inbox_message')
    .select(['id', 'channel', 'topic', 'dedupe_key', 'status', 'outcome'])
    .orderBy('id')
    .execute()

function postTikTok(
  body: Buffer | string,
  headers = tiktokShopHeaders(body, TIKTOK.appKey, TIKTOK.secret),
) {
  return fetch(`${hub.url}/webhooks/tiktok-shop/demo`, { method: 'POST', headers, body })
}

/** Sends raw bytes over a socket and returns the status line, so headers can be malformed. */
function rawRequest(head: string, body: Buffer): Promise<string> {
  const { port } = new URL(hub.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]))
    })
    let answer = ''
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1')
      if (answer.includes('\r\n')) socket.destroy()
    })
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''))
    socket.on('error', reject)
  })
}

const stillServing = async () => expect((await fetch(`${hub.url}/healthz`)).status).toBe(200)

describe('hostile bodies that are correctly signed', () => {
  it('keeps deeply nested JSON as a failed message, without crashing verify or the worker', async () => {
    const depth = 200_000
    const body = Buffer.from('['.repeat(depth) + ']'.repeat(depth))
    const before = (await inbox()).length
    expect((await postTikTok(body)).status).toBe(200)
    await vi.waitFor(
      async () => {
        const rows = await inbox()
        expect(rows).toHaveLength(before + 1)
        expect(rows.at(-1)).toMatchObject({ topic: 'UNREADABLE', status: 'failed' })
      },
      { timeout: 10_000, interval: 50 },
    )
    await stillServing()
  })

  it('keeps ids far beyond 2^53 exact, digit for digit', async () => {
    const hugeId = '9'.repeat(400)
    const body = `{"type":6,"tts_notification_id":${hugeId},"shop_id":"1","timestamp":${Math.floor(Date.now() / 1000)},"data":{"message":"gone"}}`
    expect((await postTikTok(body)).status).toBe(200)
    const rows = await inbox()
    expect(rows.map((r) => r.dedupe_key)).toContain(hugeId)
  })

  it('keeps a body that is not UTF-8 and marks it failed with the reason', async () => {
    const body = Buffer.concat([
      Buffer.from('{"type":1,"x":"'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ])
    expect((await postTikTok(body)).status).toBe(200)
    await vi.waitFor(
      async () => {
        const last = (await inbox()).at(-1)
        expect(last).toMatchObject({
          status: 'failed',
          outcome: { issues: ['body is not valid UTF-8'] },
        })
      },
      { timeout: 10_000, interval: 50 },
    )
  })
})

describe('forged, altered and malformed requests', () => {
  it('refuses a forged, a replayed-with-another-body and a truncated TikTok webhook, storing nothing', async () => {
    const fx = loadFixture('tiktok-shop', 'PRODUCT_STATUS_CHANGE/audit-failure')
    const before = (await inbox()).length
    const signed = tiktokShopHeaders(fx.body, TIKTOK.appKey, TIKTOK.secret)
    const forged = tiktokShopHeaders(fx.body, TIKTOK.appKey, 'guessed-secret')
    const altered = fx.body.replace('PRODUCT_AUDIT_FAILURE', 'PRODUCT_FIRST_PASS_REVIEW')
    for (const [what, res] of [
      ['forged', await postTikTok(fx.body, forged)],
      ['altered body, original signature', await postTikTok(altered, signed)],
      ['truncated', await postTikTok(fx.body.slice(0, fx.body.length / 2), signed)],
    ] as const) {
      expect(res.status, what).toBe(401)
      expect(await res.text(), what).toBe('') // TikTok's documented empty answer
    }
    expect((await inbox()).length).toBe(before)
  })

  it('refuses header injection at the HTTP layer and keeps serving', async () => {
    const fx = loadFixture('shopify', 'orders-create/basic')
    const body = Buffer.from(fx.body)
    const before = (await inbox()).length
    const head =
      'POST /webhooks/shopify/demo HTTP/1.1\r\n' +
      'Host: hub.test\r\n' +
      'Content-Type: application/json\r\n' +
      'X-Shopify-Topic: orders/create\nX-Shopify-Webhook-Id: injected\r\n' +
      `X-Shopify-Hmac-Sha256: ${signShopify(body, SANDBOX_SHOPIFY_SECRET)}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`
    expect(await rawRequest(head, body)).toMatch(/^HTTP\/1\.1 400/)
    const nul = head.replace('orders/create\nX-Shopify-Webhook-Id: injected', 'orders/create\u0000')
    expect(await rawRequest(nul, body)).toMatch(/^HTTP\/1\.1 400/)
    expect((await inbox()).length).toBe(before)
    await stillServing()
  })
})
