// The webhook every load run sends: the orders/create fixture, which wrk-webhooks.lua makes distinct.
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { shopify } from '../connectors/shopify/index.js'

/**
 * The sandbox's published secret for account shopify/demo, which wrk-webhooks.lua signs with
 * (the emulator URL does not enter the webhook credentials).
 */
export const SANDBOX_SECRET = shopify.sandboxCredentials('').webhookSecrets[0]!
export const WEBHOOK_PATH = '/webhooks/shopify/demo'

const FIXTURE = new URL('../fixtures/shopify/orders-create/basic.json', import.meta.url)

/**
 * Order ids are 13 digits like the fixture's, so every body has the fixture's length. Each wrk run
 * gets a block of 1e10 ids (thread t of the run uses 1e9 of them from block + t * 1e9), so runs
 * within one benchmark never reuse an id and the subscriber can tell them apart.
 */
const ORDER_ID_BASE = 6_000_000_000_000
const ID_BLOCK = 10_000_000_000
const MAX_BLOCKS = 399
let blocksUsed = 0

/** The first order id of a new, unused block. */
export function nextIdBlock(): number {
  if (blocksUsed >= MAX_BLOCKS) throw new Error('out of 13-digit order id blocks for this run')
  return ORDER_ID_BASE + ID_BLOCK * blocksUsed++
}

export interface WebhookTemplate {
  /** File holding the body's exact bytes, for wrk. */
  readonly bodyPath: string
  readonly bodyBytes: number
  /** The fixture's order id, which wrk replaces in every place it occurs. */
  readonly orderId: string
  readonly topic: string
  /** The fixture's headers except the per-webhook ids, which wrk sets. */
  readonly headers: Readonly<Record<string, string>>
  /** Prefix of every x-shopify-webhook-id in this benchmark run (unique across runs too). */
  readonly webhookIdPrefix: string
  readonly secret: string
  readonly path: string
}

/** Writes the fixture's body to `dir` and describes how wrk should vary and sign it. */
export function writeTemplate(dir: string): WebhookTemplate {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    headers: Record<string, string>
    body: string
  }
  const orderId = String((JSON.parse(fixture.body) as { id: number }).id)
  if (!/^\d{13}$/.test(orderId)) throw new Error(`fixture order id ${orderId} is not 13 digits`)
  const bodyPath = join(dir, 'orders-create.json')
  writeFileSync(bodyPath, fixture.body)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(fixture.headers)) {
    const lower = name.toLowerCase()
    if (lower !== 'x-shopify-webhook-id' && lower !== 'x-shopify-event-id') headers[lower] = value
  }
  const topic = headers['x-shopify-topic']
  if (!topic) throw new Error('the fixture has no x-shopify-topic header')
  return {
    bodyPath,
    bodyBytes: Buffer.byteLength(fixture.body),
    orderId,
    topic,
    headers,
    webhookIdPrefix: `bench-${randomBytes(6).toString('hex')}-`,
    secret: SANDBOX_SECRET,
    path: WEBHOOK_PATH,
  }
}
