// A pool of distinct, validly signed Shopify orders/create webhooks, signed before the load starts.
import { createHmac, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** The sandbox's published secret for account shopify/demo (connectors/shopify sandboxCredentials). */
export const SANDBOX_SECRET = 'sandbox-shopify-webhook-secret'
export const WEBHOOK_PATH = '/webhooks/shopify/demo'

const FIXTURE = new URL('../fixtures/shopify/orders-create/basic.json', import.meta.url)
/** Order ids are 13 digits, like the fixture's, so every body has the same length and layout. */
const ORDER_ID_BASE = 6_000_000_000_000

export interface SignedWebhook {
  readonly orderId: string
  readonly headers: Record<string, string>
  readonly body: Buffer
}

export interface SignedPool {
  readonly size: number
  readonly bodyBytes: number
  /** Webhook `i`: unique order id and webhook id. Beyond `size` it is signed on the spot. */
  get(i: number): SignedWebhook
  /** Index of an order id made by `get`, or -1. */
  indexOf(orderId: string): number
  /** How many `get` calls fell beyond the pool and were signed on the spot. */
  signedLate(): number
}

/**
 * Signs `size` webhooks up front. Only the signatures and ids are kept; the body of webhook `i` is
 * the fixture with its order id replaced in place, rebuilt by a cheap copy when requested.
 */
export function createSignedPool(size: number, secret = SANDBOX_SECRET): SignedPool {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    headers: Record<string, string>
    body: string
  }
  const template = Buffer.from(fixture.body, 'utf8')
  const originalId = String((JSON.parse(fixture.body) as { id: number }).id)
  if (originalId.length !== 13) throw new Error(`fixture order id ${originalId} is not 13 digits`)
  const offsets: number[] = []
  for (let at = template.indexOf(originalId); at >= 0; at = template.indexOf(originalId, at + 1))
    offsets.push(at)

  const staticHeaders: Record<string, string> = { 'content-type': 'application/json' }
  for (const [name, value] of Object.entries(fixture.headers))
    staticHeaders[name.toLowerCase()] = value
  // A run-specific prefix keeps webhook ids unique across runs as well as within one.
  const idPrefix = randomUUID().slice(0, 24)
  let late = 0

  const orderIdOf = (i: number) => String(ORDER_ID_BASE + i)
  const bodyOf = (orderId: string) => {
    const body = Buffer.from(template)
    for (const at of offsets) body.write(orderId, at, 'latin1')
    return body
  }
  const sign = (body: Buffer) => createHmac('sha256', secret).update(body).digest('base64')
  const signatures: string[] = new Array<string>(size)
  for (let i = 0; i < size; i++) signatures[i] = sign(bodyOf(orderIdOf(i)))

  return {
    size,
    bodyBytes: template.length,
    get(i) {
      const orderId = orderIdOf(i)
      const body = bodyOf(orderId)
      let signature = signatures[i]
      if (signature === undefined) {
        late++
        signature = sign(body)
      }
      const webhookId = `${idPrefix}${i.toString(16).padStart(12, '0')}`
      return {
        orderId,
        body,
        headers: {
          ...staticHeaders,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-event-id': webhookId,
          'x-shopify-hmac-sha256': signature,
        },
      }
    },
    indexOf(orderId) {
      const i = Number(orderId) - ORDER_ID_BASE
      return Number.isSafeInteger(i) && i >= 0 ? i : -1
    },
    signedLate: () => late,
  }
}
