// Pools of distinct, validly signed Shopify webhooks, signed before the load starts.
import { createHmac, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** The sandbox's published secret for account shopify/demo (connectors/shopify sandboxCredentials). */
export const SANDBOX_SECRET = 'sandbox-shopify-webhook-secret'
export const WEBHOOK_PATH = '/webhooks/shopify/demo'

const FIXTURE = new URL('../fixtures/shopify/orders-create/basic.json', import.meta.url)
/** Order ids are 13 digits, like the fixture's, so every body has the same length and layout. */
const ORDER_ID_BASE = 6_000_000_000_000

export interface SignedWebhook {
  /** The resource id that makes this webhook distinct (the order id for orders/create). */
  readonly externalId: string
  readonly headers: Record<string, string>
  readonly body: Buffer
}

export interface SignedPool {
  /** Short name for logs and results, e.g. "orders-create". */
  readonly name: string
  /** The x-shopify-topic header, e.g. "orders/create". */
  readonly topic: string
  readonly size: number
  readonly bodyBytes: number
  /** Webhook `i`: unique resource id and webhook id. Beyond `size` it is signed on the spot. */
  get(i: number): SignedWebhook
  /** Index of an external id made by `get`, or -1. */
  indexOf(externalId: string): number
  /** How many `get` calls fell beyond the pool and were signed on the spot. */
  signedLate(): number
}

/** What makes one kind of webhook: its headers, and body `i` with its fixed-width external id. */
export interface WebhookKind {
  readonly name: string
  readonly staticHeaders: Record<string, string>
  readonly bodyBytes: number
  externalIdOf(i: number): string
  bodyOf(i: number): Buffer
  indexOf(externalId: string): number
}

/** Signs `size` webhooks of `kind` up front; only the signatures are kept, bodies are rebuilt. */
export function createPool(kind: WebhookKind, size: number, secret = SANDBOX_SECRET): SignedPool {
  const staticHeaders: Record<string, string> = { 'content-type': 'application/json' }
  for (const [name, value] of Object.entries(kind.staticHeaders))
    staticHeaders[name.toLowerCase()] = value
  const topic = staticHeaders['x-shopify-topic']
  if (!topic) throw new Error(`webhook kind ${kind.name} has no x-shopify-topic header`)
  // A run-specific prefix keeps webhook ids unique across runs as well as within one.
  const idPrefix = randomUUID().slice(0, 24)
  let late = 0
  const sign = (body: Buffer) => createHmac('sha256', secret).update(body).digest('base64')
  const signatures: string[] = new Array<string>(size)
  for (let i = 0; i < size; i++) signatures[i] = sign(kind.bodyOf(i))

  return {
    name: kind.name,
    topic,
    size,
    bodyBytes: kind.bodyBytes,
    get(i) {
      const body = kind.bodyOf(i)
      let signature = signatures[i]
      if (signature === undefined) {
        late++
        signature = sign(body)
      }
      const webhookId = `${idPrefix}${i.toString(16).padStart(12, '0')}`
      return {
        externalId: kind.externalIdOf(i),
        body,
        headers: {
          ...staticHeaders,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-event-id': webhookId,
          'x-shopify-hmac-sha256': signature,
        },
      }
    },
    indexOf: (externalId) => kind.indexOf(externalId),
    signedLate: () => late,
  }
}

/**
 * orders/create webhooks (the 7.6 KB fixture): the body of webhook `i` is the fixture with its
 * order id replaced in place, rebuilt by a cheap copy when requested.
 */
export function ordersCreateKind(): WebhookKind {
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
  const externalIdOf = (i: number) => String(ORDER_ID_BASE + i)
  return {
    name: 'orders-create',
    staticHeaders: fixture.headers,
    bodyBytes: template.length,
    externalIdOf,
    bodyOf(i) {
      const orderId = externalIdOf(i)
      const body = Buffer.from(template)
      for (const at of offsets) body.write(orderId, at, 'latin1')
      return body
    },
    indexOf(orderId) {
      const i = Number(orderId) - ORDER_ID_BASE
      return Number.isSafeInteger(i) && i >= 0 ? i : -1
    },
  }
}

/** The large-body pool: distinct orders/create webhooks (the end-to-end run uses it too). */
export function createSignedPool(size: number, secret = SANDBOX_SECRET): SignedPool {
  return createPool(ordersCreateKind(), size, secret)
}
