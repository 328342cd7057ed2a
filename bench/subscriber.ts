// The subscriber of the end-to-end and memory runs: verifies each delivery's Standard Webhooks
// signature and records, per order id, when its first order.created.v1 event arrived.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ADMIN_TOKEN } from './hub.js'

/**
 * Microseconds on CLOCK_MONOTONIC (libuv's hrtime), the clock wrk-webhooks.lua stamps its sends
 * with: one system-wide clock, so times from the two processes subtract exactly. (Wall-clock
 * time, or performance.timeOrigin + performance.now(), can drift from it while NTP adjusts.)
 */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

export interface Subscriber {
  readonly url: string
  /** The subscription's signing secret; set once subscribed. */
  secret: string
  /** Per order id: when its first delivery arrived (nowMicros). */
  readonly receivedUs: Map<number, number>
  /** Per order id delivered more than once: the number of extra deliveries. */
  readonly duplicates: Map<number, number>
  readonly counts: {
    /** Every POST received. */
    deliveries: number
    badSignatures: number
    /** Deliveries without an order id the bench can read. */
    unreadable: number
  }
  close(): Promise<void>
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded secret, `${id}.${ts}.${body}`)). */
function validSignature(secret: string, req: IncomingMessage, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const id = String(req.headers['webhook-id'])
  const ts = String(req.headers['webhook-timestamp'])
  const given = String(req.headers['webhook-signature'] ?? '').split(' ')
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')
  return given.includes(`v1,${expected}`)
}

function orderIdOf(body: string): number | undefined {
  try {
    const event = JSON.parse(body) as { data?: { order?: { externalId?: unknown } } }
    const id = Number(event.data?.order?.externalId)
    return Number.isSafeInteger(id) ? id : undefined
  } catch {
    return undefined
  }
}

export function startSubscriber(): Promise<Subscriber> {
  const receivedUs = new Map<number, number>()
  const duplicates = new Map<number, number>()
  const counts = { deliveries: 0, badSignatures: 0, unreadable: 0 }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const at = nowMicros()
      counts.deliveries++
      const body = Buffer.concat(chunks).toString('utf8')
      if (!validSignature(sub.secret, req, body)) counts.badSignatures++
      const orderId = orderIdOf(body)
      if (orderId === undefined) counts.unreadable++
      else if (receivedUs.has(orderId)) duplicates.set(orderId, (duplicates.get(orderId) ?? 0) + 1)
      else receivedUs.set(orderId, at)
      res.writeHead(204).end()
    })
  })
  // The handler reads sub.secret, so this very object is handed out (url is filled in below).
  const sub: Subscriber & { url: string } = {
    url: '',
    secret: '',
    receivedUs,
    duplicates,
    counts,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub-events`
      resolve(sub)
    })
  })
}

/** Subscribes `url` to order.created.v1 on the hub; returns the subscription's signing secret. */
export async function subscribe(baseUrl: string, url: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes: ['order.created.v1'] }),
  })
  const body = (await res.json()) as { id?: string; secret?: string }
  if (res.status !== 201 || !body.secret)
    throw new Error(`creating the subscription failed: HTTP ${res.status} ${JSON.stringify(body)}`)
  return body.secret
}
