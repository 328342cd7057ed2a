import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, vi } from 'vitest'
import { HubEvent } from '../../src/events/index.js'

export interface ReceivedRequest {
  /** Path and query, e.g. `/hook?case=retry`. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly at: number
}

export interface Reply {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface Receiver {
  /** `http://127.0.0.1:<port>/hook` */
  readonly url: string
  readonly received: ReceivedRequest[]
  /** Decides each answer (default 200); receives the request and its 0-based index. */
  respond(fn: (req: ReceivedRequest, index: number) => Reply): void
  reset(): void
}

/** A real subscriber endpoint on a loopback port, recording every request it gets. */
export function useReceiver(): Receiver {
  const received: ReceivedRequest[] = []
  let responder: (req: ReceivedRequest, index: number) => Reply = () => ({ status: 200 })
  let server: Server | undefined
  let port = 0

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const record = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        }
        const reply = responder(record, received.length)
        received.push(record)
        res.writeHead(reply.status, reply.headers).end(reply.body ?? '')
      })
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  })

  return {
    get url() {
      return `http://127.0.0.1:${port}/hook`
    },
    received,
    respond(fn) {
      responder = fn
    },
    reset() {
      received.length = 0
      responder = () => ({ status: 200 })
    },
  }
}

/**
 * Waits for the first event about `subject` among the receiver's requests, each read as a
 * contract-valid hub event. By subject, not position: another test's late event may come first.
 */
export async function eventAbout(
  receiver: Receiver,
  subject: string,
  timeoutMs = 20_000,
): Promise<HubEvent> {
  return vi.waitFor(
    () => {
      const found = receiver.received
        .map((r) => HubEvent.parse(JSON.parse(r.body)))
        .find((e) => e.subject === subject)
      if (!found) throw new Error(`no event about ${subject} yet`)
      return found
    },
    { timeout: timeoutMs, interval: 50 },
  )
}
