// De-risks the example OMS consumer (examples/oms-consumer) losing or doubling an order change
// when it dies: it runs as its own process against a listening hub with workers, is killed with
// SIGKILL while deliveries are coming in, misses the changes made while it is down, and restarts.
// Afterwards its state must hold each order as the hub's newest event for it says, every event the
// hub recorded handled once (applied, or older than one already applied), and none applied twice.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FeedEvent } from '@marketplace-hub/client'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { OrderRecord, State } from '../../../../examples/oms-consumer/order-book.js'
import { loadFixture } from '../../../../test/helpers/fixtures.js'
import {
  freePort,
  spawnTsx,
  waitForLine,
  type HubProcess,
} from '../../../../test/helpers/hub-process.js'
import { TEST_ADMIN_TOKEN, useTestHub } from '../../../../test/helpers/hub.js'
import { clientOf, sendShopify } from '../helpers.js'

// Deliveries keep being retried (every 50-400 ms here) for as long as the example is down.
const hub = useTestHub({ listen: true, workers: true, env: { DELIVERY_MAX_ATTEMPTS: '1000' } })
const basic = loadFixture('shopify', 'orders-create/basic')
const ORDERS = 12
const scratch = mkdtempSync(join(tmpdir(), 'oms-consumer-'))
const running: HubProcess[] = []
afterAll(() => {
  for (const example of running) example.child.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

/** Version `version` of order `n` as Shopify would send it: each a minute newer, its tax changed. */
async function sendOrder(n: number, version: number): Promise<void> {
  const body = JSON.parse(basic.body) as Record<string, unknown>
  const fx = {
    ...basic,
    headers: {
      ...basic.headers,
      'x-shopify-topic': version === 0 ? 'orders/create' : 'orders/updated',
      'x-shopify-webhook-id': `oms-${n}-${version}`,
    },
    body: JSON.stringify({
      ...body,
      id: 7_300_000_000_000 + n,
      updated_at: new Date(Date.parse('2025-03-02T15:15:06Z') + version * 60_000).toISOString(),
      total_tax: `${2 + version}.32`,
    }),
  }
  await sendShopify(hub, fx)
}

async function startExample(port: number, stateFile: string): Promise<HubProcess> {
  const example = spawnTsx('examples/oms-consumer/index.ts', [], {
    HUB_URL: hub.url,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PORT: String(port),
    STATE_FILE: stateFile,
  })
  running.push(example)
  await waitForLine(example, /^oms-consumer listening on /, { timeoutMs: 30_000 })
  return example
}

/** Standard Webhooks headers for `body`, as the hub signs a delivery. */
function signedHeaders(secret: string, body: string): Record<string, string> {
  const { id } = JSON.parse(body) as { id: string }
  const now = new Date()
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, body),
  }
}

/** The state file as it is now (written by rename, so never half a file). */
function stateIn(file: string): State | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as State
  } catch {
    return undefined
  }
}

describe('examples/oms-consumer', () => {
  it(
    'survives SIGKILL mid-delivery with every event applied once and none missing',
    { timeout: 180_000 },
    async () => {
      const port = await freePort()
      const stateFile = join(scratch, 'state.json')
      const first = await startExample(port, stateFile)
      for (let n = 0; n < ORDERS; n++) await sendOrder(n, 0)

      // Killed while deliveries are arriving: some handled, others in flight or still to come.
      await vi.waitFor(
        () =>
          expect(Object.keys(stateIn(stateFile)?.handled ?? {}).length).toBeGreaterThanOrEqual(3),
        { timeout: 30_000, interval: 20 },
      )
      first.child.kill('SIGKILL')
      await first.exited
      // Changes while it is down: every order updated, half of them twice.
      for (let n = 0; n < ORDERS; n++) await sendOrder(n, 1)
      for (let n = 0; n < ORDERS; n += 2) await sendOrder(n, 2)

      const second = await startExample(port, stateFile)
      const client = clientOf(hub)
      const feed = (): Promise<FeedEvent[]> =>
        client.events.list({ types: ['order.*'], limit: 1000 }).then((page) => page.events)
      const subscriptionId = stateIn(stateFile)!.subscription!.id
      // Done when the hub has nothing left to deliver and the state has handled all it recorded.
      await vi.waitFor(
        async () => {
          const deliveries = await hub.deps.db
            .selectFrom('delivery')
            .select('status')
            .where('subscription_id', '=', subscriptionId)
            .execute()
          expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 'delivered'))
          const handled = Object.keys(stateIn(stateFile)!.handled)
          expect(handled.sort()).toEqual((await feed()).map((e) => e.id).sort())
        },
        { timeout: 120_000, interval: 250 },
      )
      const events = await feed()
      const state = stateIn(stateFile)!
      expect(second.output()).not.toMatch(/created subscription/) // the restart kept its subscription
      expect(events).toHaveLength(ORDERS * 2 + ORDERS / 2)

      // Each order holds what the hub's newest event for it says.
      const newest = new Map<string, FeedEvent>()
      for (const event of events) newest.set(event.subject, event)
      expect(Object.keys(state.orders).sort()).toEqual([...newest.keys()].sort())
      for (const [subject, event] of newest) {
        if (!('order' in event.data)) throw new Error(`${event.type} carries no order`)
        expect(state.orders[subject]).toMatchObject<Partial<OrderRecord>>({
          position: event.position,
          eventId: event.id,
          status: event.data.order.status,
          updatedAt: event.data.order.updatedAt,
          total: event.data.order.totals.total,
        })
      }
      // Applied at most once each, in feed order per order; the rest were older than one applied.
      const position = new Map(events.map((e) => [e.id, e.position]))
      const applied = Object.values(state.orders).flatMap((o) => o.applied)
      expect(new Set(applied).size).toBe(applied.length)
      for (const order of Object.values(state.orders)) {
        const at = order.applied.map((id) => position.get(id)!)
        expect(at).toEqual([...at].sort((a, b) => a - b))
      }
      for (const [id, outcome] of Object.entries(state.handled))
        expect([id, outcome]).toEqual([id, applied.includes(id) ? 'applied' : 'stale'])

      // A delivery the hub sends again (its answer was lost in the crash) is answered, not applied.
      const again = JSON.stringify(newest.values().next().value)
      const before = readFileSync(stateFile, 'utf8')
      const res = await fetch(`http://127.0.0.1:${port}/deliveries`, {
        method: 'POST',
        headers: signedHeaders(state.subscription!.secret, again),
        body: again,
      })
      expect(res.status).toBe(204)
      await waitForLine(second, /^duplicate /)
      expect(readFileSync(stateFile, 'utf8')).toBe(before)
    },
  )
})
