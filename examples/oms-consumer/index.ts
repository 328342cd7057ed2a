// An OMS that receives the hub's order events by push and survives restarts without losing or
// repeating one. Run: npx tsx examples/oms-consumer/index.ts (options: README.md beside this file).
//
// Each delivery is verified, applied to the order book and saved to disk BEFORE it is answered
// with a 2xx. A crash before the answer means the hub never saw it acknowledged and delivers it
// again; the order book recognises it (its event id) and answers at once. So the state holds each
// event's effect exactly once, whenever the process dies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { parseArgs } from 'node:util'
import {
  DeliveryVerificationError,
  HubApiError,
  HubClient,
  verifyDelivery,
} from '@marketplace-hub/client'
import { OrderBook } from './order-book.js'

const EVENT_TYPES = [
  'order.created.v1',
  'order.updated.v1',
  'order.cancelled.v1',
  'order.fulfilled.v1',
]

const { values: args } = parseArgs({
  options: {
    'hub-url': { type: 'string' },
    token: { type: 'string' },
    port: { type: 'string' },
    'state-file': { type: 'string' },
    'receiver-url': { type: 'string' },
  },
})
const env = process.env
const hubUrl = args['hub-url'] ?? env.HUB_URL ?? 'http://127.0.0.1:3000'
const token = args.token ?? env.ADMIN_TOKEN
const port = Number(args.port ?? env.PORT ?? 4000)
const stateFile = args['state-file'] ?? env.STATE_FILE ?? 'oms-state.json'
// Where the hub reaches this process; behind a proxy or on another host, say so.
const receiverUrl =
  args['receiver-url'] ?? env.RECEIVER_URL ?? `http://127.0.0.1:${port}/deliveries`
if (!token) throw new Error('set ADMIN_TOKEN (or --token): the hub admin token')

const book = OrderBook.load(stateFile)
const hub = new HubClient({ baseUrl: hubUrl, token })
const secret = await subscription()

const server = createServer((req, res) => {
  readBody(req).then(
    (body) => handle(req, body, res),
    () => res.writeHead(400).end(),
  )
})
server.listen(port, () => console.log(`oms-consumer listening on ${port}, state in ${stateFile}`))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close())

/** The subscription from an earlier run if the hub still has it, else a new one (saved at once). */
async function subscription(): Promise<string> {
  const saved = book.state.subscription
  if (saved) {
    const found = await hub.subscriptions.get(saved.id).catch((error: unknown) => {
      if (error instanceof HubApiError && error.status === 404) return undefined
      throw error
    })
    if (found?.status === 'active' || found?.status === 'paused') return saved.secret
  }
  // Structured (the default, said here to show the choice); verifyDelivery reads binary too.
  const created = await hub.subscriptions.create({
    url: receiverUrl,
    contentMode: 'structured',
    eventTypes: EVENT_TYPES,
    description: 'examples/oms-consumer',
  })
  book.state.subscription = { id: created.id, secret: created.secret }
  book.save()
  console.log(`created subscription ${created.id} to ${receiverUrl}`)
  return created.secret
}

function handle(req: IncomingMessage, body: string, res: ServerResponse): void {
  try {
    const event = verifyDelivery({ secret, headers: req.headers, body })
    const outcome = book.apply(event)
    if (outcome !== 'duplicate') book.save() // durable before the answer
    console.log(`${outcome} ${event.type} ${event.subject} at ${event.position}`)
    res.writeHead(204).end()
  } catch (error) {
    // Either way the hub tries again later: a 4xx (never 410, which would disable the
    // subscription) for a delivery refused, a 500 for one that could not be applied or saved.
    const refused = error instanceof DeliveryVerificationError
    console.error(refused ? `refused a delivery (${error.reason}): ${error.message}` : error)
    res.writeHead(refused ? 400 : 500).end()
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
