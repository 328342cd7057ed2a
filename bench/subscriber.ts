// The subscriber of the end-to-end run: verifies each delivery's signature and records its arrival.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ADMIN_TOKEN } from './hub.js'
import type { SignedPool } from './signed-requests.js'

export interface Subscriber {
  url: string
  readonly received: Float64Array
  readonly counts: { delivered: number; duplicates: number; badSignatures: number; unknown: number }
  secret: string
  readonly server: Server
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

export function startSubscriber(pool: SignedPool, capacity: number): Promise<Subscriber> {
  const received = new Float64Array(capacity)
  const counts = { delivered: 0, duplicates: 0, badSignatures: 0, unknown: 0 }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const at = performance.now()
      const body = Buffer.concat(chunks).toString('utf8')
      if (!validSignature(sub.secret, req, body)) counts.badSignatures++
      let externalId: unknown
      try {
        const event = JSON.parse(body) as { data?: { order?: { externalId?: unknown } } }
        externalId = event.data?.order?.externalId
      } catch {
        externalId = undefined
      }
      const i = typeof externalId === 'string' ? pool.indexOf(externalId) : -1
      if (i < 0 || i >= capacity) counts.unknown++
      else if (received[i] !== 0) counts.duplicates++
      else {
        received[i] = at
        counts.delivered++
      }
      res.writeHead(204).end()
    })
  })
  const sub: Subscriber = { url: '', received, counts, secret: '', server }
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub-events`
      resolve(sub)
    })
  })
}

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
