// De-risks the lanes the hub's own work runs in: a stock push's channel calls count in lane push and a reconciliation read's in lane reconcile (not the default, hydrate), so the shared budget serves them at their priority and /metrics shows them per lane.
import { describe, expect, it, vi } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import { readApiBudgetUse } from '../../src/metrics/api-budget.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'

const emulator = useEmulator()
const hub = useTestHub({
  accounts: () => sandboxAccounts(emulator.url),
  workers: true,
  // Reconciliation may read a listing the moment after its push.
  env: { STOCK_ECHO_WINDOW_MS: '0' },
})

const json = (method: string, path: string, body: unknown) =>
  hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** Walmart's demo account's calls per lane, from every process. */
async function callsByLane(): Promise<Record<string, number>> {
  const use = await readApiBudgetUse(hub.deps.redis.producer, hub.deps.config.queues.prefix, {
    channel: 'walmart',
    accountId: 'demo',
  })
  return Object.fromEntries(use.map((u) => [u.lane, u.calls]))
}

describe('lanes of the stock worker', () => {
  it('counts a push in lane push and a reconciliation read in lane reconcile', async () => {
    const sku = 'LANE-1'
    const listed = await json('PUT', '/v1/listings', {
      listings: [
        {
          sku,
          channel: 'walmart',
          account: 'demo',
          unit: emulatedChannels.walmart.listingUnit(sku),
        },
      ],
    })
    expect(listed.status).toBe(200)
    const level = { onHand: 9, asOf: new Date().toISOString() }
    expect((await json('PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
    await vi.waitFor(() => expect(emulator.state('walmart').stock.get(sku)).toBe(9), {
      timeout: 20_000,
    })
    const afterPush = await callsByLane()
    expect(afterPush.push).toBeGreaterThan(0)
    expect(afterPush).not.toHaveProperty('hydrate')
    expect(afterPush).not.toHaveProperty('reconcile')

    expect((await json('POST', '/v1/admin/reconcile', { sku })).status).toBe(202)
    await vi.waitFor(async () => expect((await callsByLane()).reconcile).toBeGreaterThan(0), {
      timeout: 20_000,
    })
    expect(await callsByLane()).not.toHaveProperty('hydrate')
  })
})
