// De-risks the client's stream losing or repeating events when a connection drops, which the real
// hub cannot be made to do on cue: a small Server-Sent Events server here cuts connections
// mid-event, goes silent, resends what it sent, refuses, and the client must still yield every
// position once, in order, resuming with Last-Event-ID and waiting the `retry:` it was given.
// The same behaviour against the hub itself is in stream.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HubClient, type FeedEvent } from '@marketplace-hub/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

interface Connection {
  readonly lastEventId: string | undefined
  readonly query: string
  readonly at: number
}

/** What the server does with the n-th connection (0-based). */
type Script = (res: ServerResponse, n: number) => void

let server: Server
let port = 0
let script: Script = () => {}
const connections: Connection[] = []

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['last-event-id']
    connections.push({
      lastEventId: typeof header === 'string' ? header : undefined,
      query: new URL(req.url ?? '/', 'http://x').search,
      at: Date.now(),
    })
    script(res, connections.length - 1)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  connections.length = 0
})

const open = (res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })

/** One event as the hub frames it: `id:` its position, `event:` its type, the JSON on one line. */
function frame(position: number): string {
  const event = { id: `evt_${position}`, type: 'order.created.v1', position, data: {} }
  return `id: ${position}\nevent: order.created.v1\ndata: ${JSON.stringify(event)}\n\n`
}

async function collect(count: number, options: { idleTimeoutMs?: number } = {}) {
  const client = new HubClient({ baseUrl: `http://127.0.0.1:${port}/`, token: 't' })
  const stop = new AbortController()
  const seen: FeedEvent[] = []
  const stream = client.events.stream({
    after: 0,
    types: ['order.*'],
    signal: stop.signal,
    ...options,
  })
  for await (const event of stream) {
    seen.push(event)
    if (seen.length === count) stop.abort()
  }
  return seen.map((e) => e.position)
}

describe('events.stream across dropped connections', () => {
  it('resumes after the last event yielded, drops resent ones and honours retry:', async () => {
    let droppedAt = 0
    script = (res, n) => {
      open(res)
      if (n === 0) {
        res.write(`retry: 300\n\n${frame(1)}${frame(2)}`)
        // Event 3 cut off before its blank line, then the connection dies.
        res.write(frame(3).slice(0, -1), () => {
          droppedAt = Date.now()
          res.socket?.destroy()
        })
      } else if (n === 1) {
        res.write(`: heartbeat\n\n${frame(2)}${frame(3)}${frame(4)}`) // 2 again: already yielded
        res.end()
      } else res.write(frame(5))
    }
    expect(await collect(5)).toEqual([1, 2, 3, 4, 5])
    expect(connections.map((c) => c.lastEventId)).toEqual([undefined, '2', '4'])
    // The filter goes with every connection; Last-Event-ID wins over `after` at the hub.
    expect(new Set(connections.map((c) => c.query))).toEqual(new Set(['?after=0&types=order.*']))
    // Waited at least what the server asked (a lower bound holds however slow the machine is).
    expect(connections[1]!.at - droppedAt).toBeGreaterThanOrEqual(300)
  })

  it('replaces a connection on which nothing arrives, not even a heartbeat', async () => {
    script = (res, n) => {
      open(res)
      res.write(`retry: 10\n\n${frame(n + 1)}`) // then silence
    }
    expect(await collect(2, { idleTimeoutMs: 200 })).toEqual([1, 2])
    expect(connections.map((c) => c.lastEventId)).toEqual([undefined, '1'])
  })

  it('retries a 503 after its retry-after, and ends with a HubApiError on a 400', async () => {
    script = (res, n) => {
      if (n === 0) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
        res.end(JSON.stringify({ error: 'too many open streams (STREAM_MAX_CONNECTIONS=100)' }))
      } else if (n === 1) {
        open(res)
        res.end(`retry: 10\n\n${frame(1)}`)
      } else {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            error: 'invalid request',
            problems: ['header.last-event-id: not a position'],
          }),
        )
      }
    }
    const client = new HubClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't' })
    const seen: number[] = []
    const failure = await (async () => {
      for await (const event of client.events.stream()) seen.push(event.position)
    })().catch((e: unknown) => e)
    expect(seen).toEqual([1])
    expect(failure).toMatchObject({
      name: 'HubApiError',
      status: 400,
      problems: ['header.last-event-id: not a position'],
    })
    expect(connections[1]!.at - connections[0]!.at).toBeGreaterThanOrEqual(1000)
  })
})
