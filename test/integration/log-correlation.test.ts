// Issue #7: structured logs carry the webhook's request id from ingress into the job that
// normalizes it, and secrets and personal data never reach the log.
import { describe, expect, it } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { eventAbout, useReceiver } from '../helpers/receiver.js'
import { subscribe } from '../helpers/subscriptions.js'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import { postShopify, SANDBOX_SHOPIFY_SECRET, withBody } from '../helpers/shopify-webhooks.js'
import { capturedLog } from '../helpers/log-lines.js'

const { log, lines } = capturedLog('debug')
const hub = useTestHub({ workers: true, log: log })
const receiver = useReceiver()

describe('log correlation', () => {
  it('follows one webhook from its request through normalization to each delivery', async () => {
    await subscribe(hub.app, receiver.url)
    const fx = loadFixture('shopify', 'orders-create/basic')
    const res = await postShopify(hub.app, withBody(fx, fx.body, 'corr-1'), {
      headers: { 'x-request-id': 'req-corr-0001' },
    })
    expect(res.headers.get('x-request-id')).toBe('req-corr-0001')
    const { id } = (await res.json()) as { id: string }
    await expect
      .poll(() => lines.find((l) => l.msg === 'normalize step ended' && l.inboxId === id), {
        timeout: 10_000,
      })
      // Normalized in the process that received it (role all): no job was needed.
      .toMatchObject({ requestId: 'req-corr-0001', outcome: 'done' })
    // The delivery names the event and the same inbox row, so the request id is one join away.
    const orderId = (JSON.parse(fx.body) as { id: number }).id
    const event = await eventAbout(receiver, `order/${orderId}`)
    await expect
      .poll(() => lines.find((l) => l.msg === 'delivery attempt' && l.eventId === event.id), {
        timeout: 10_000,
      })
      .toMatchObject({ inboxId: id, statusCode: 200 })
    // Nothing logged carries the buyer's e-mail or the webhook's signature.
    const text = JSON.stringify(lines)
    const body = JSON.parse(fx.body) as { email: string }
    expect(text).not.toContain(body.email)
    expect(text).not.toContain(signShopify(fx.body, SANDBOX_SHOPIFY_SECRET))
  })
})
