// The baseline: a bare hono endpoint that reads the body and answers 200 JSON, on $PORT of 127.0.0.1.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.get('/healthz', (c) => c.json({ status: 'ok' }))
app.post('*', async (c) => {
  const body = await c.req.arrayBuffer()
  return c.json({ status: 'accepted', bytes: body.byteLength }, 200)
})

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) })
const stop = () => {
  server.close(() => process.exit(0))
  if ('closeIdleConnections' in server) server.closeIdleConnections()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
