// The ingress baseline a hand-written receiver would be: hono on @hono/node-server that reads the
// body, checks the Shopify HMAC in constant time, and does one BullMQ queue.add per request with
// the raw body as the job's data, answering 200 only after the add resolved. No database, no
// batching. Env: PORT (on 127.0.0.1), REDIS_URL, QUEUE_PREFIX, SHOPIFY_SECRET.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { serve } from '@hono/node-server'
import { Queue } from 'bullmq'
import { Hono } from 'hono'
import { Redis } from 'ioredis'

const secret = process.env.SHOPIFY_SECRET ?? ''
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
})
const queue = new Queue<{ body: string }>('inbound', {
  connection,
  prefix: process.env.QUEUE_PREFIX ?? 'bench-naive',
})

/** Constant time for equal lengths; the length of a base64 SHA-256 digest is public anyway. */
function validHmac(body: Buffer, header: string | undefined): boolean {
  if (!header) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  const given = Buffer.from(header, 'base64')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const app = new Hono()
app.get('/healthz', (c) => c.json({ status: 'ok' }))
app.post('*', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer())
  if (!validHmac(body, c.req.header('x-shopify-hmac-sha256')))
    return c.json({ error: 'invalid signature' }, 401)
  const job = await queue.add('shopify webhook', { body: body.toString('utf8') })
  return c.json({ status: 'accepted', id: job.id }, 200)
})

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) })
const stop = () => {
  server.close(() => {
    void queue.close().finally(() => {
      connection.disconnect()
      process.exit(0)
    })
  })
  if ('closeIdleConnections' in server) server.closeIdleConnections()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
