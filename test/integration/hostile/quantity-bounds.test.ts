// Stock quantities at and beyond what each channel takes, pushed through the marketplace emulator
// (which refuses what the real channels document they refuse): every channel is offered at most
// its maximum, the cap is counted, "sold out" reaches every channel as 0, an oversold Shopify level
// never leads to a negative write, and reconciliation does not take a capped listing for drift.
import { beforeEach, describe, expect, it } from 'vitest'
import { connectors } from '../../../connectors/index.js'
import { sandboxAccounts } from '../../../src/config/index.js'
import { CHANNEL_IDS, type ChannelId } from '../../../src/events/index.js'
import { checkListingStock } from '../../../src/pipeline/check-stock.js'
import { pushListingStock, type PushOutcome } from '../../../src/pipeline/push-stock.js'
import { emulatedChannels } from '../../../src/sandbox/channels.js'
import { useEmulator } from '../../helpers/emulated-channel.js'
import { ADMIN, useTestHub } from '../../helpers/hub.js'
import { truncateAll } from '../../helpers/pipeline.js'

const emulator = useEmulator()
const hub = useTestHub({ accounts: () => sandboxAccounts(emulator.url) })
beforeEach(() => truncateAll(hub.deps))

const json = (method: string, path: string, body: unknown) =>
  hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

interface ListingView {
  id: string
  channel: ChannelId
  lastPush: { quantity: number | null; status: string | null; error: string | null }
}

async function listEverywhere(sku: string, onHand: number): Promise<Map<ChannelId, string>> {
  const listings = CHANNEL_IDS.map((channel) => ({
    sku,
    channel,
    account: 'demo',
    unit: emulatedChannels[channel].listingUnit(sku),
    // Each channel is offered the whole quantity, the way to reach each one's bounds.
    policy: { allocation: 'shared' },
  }))
  expect((await json('PUT', '/v1/listings', { listings })).status).toBe(200)
  const level = { onHand, asOf: new Date().toISOString() }
  expect((await json('PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
  return new Map((await listingsOf(sku)).map((l) => [l.channel, l.id]))
}

async function listingsOf(sku: string): Promise<ListingView[]> {
  const res = await hub.app.request(`/v1/inventory/${sku}`, { headers: ADMIN })
  return ((await res.json()) as { listings: ListingView[] }).listings
}

/** Pushes every listing once, returning the outcomes counted per channel. */
async function pushAll(ids: Map<ChannelId, string>): Promise<Map<ChannelId, PushOutcome[]>> {
  const outcomes = new Map<ChannelId, PushOutcome[]>()
  for (const [channel, id] of ids) {
    const counted: PushOutcome[] = []
    const result = await pushListingStock(hub.deps, id, `bounds-${channel}`, (o) => counted.push(o))
    expect(result).toEqual({ kind: 'done' })
    outcomes.set(channel, counted)
  }
  return outcomes
}

const offered = (channel: ChannelId, sku: string) => emulator.state(channel).stock.get(sku)

describe('quantities above what a channel takes', () => {
  it('offers each channel at most its maximum, counts the cap, and the emulators accept every write', async () => {
    const sku = 'QTY-HUGE'
    const onHand = 1_500_000_000
    const ids = await listEverywhere(sku, onHand)
    const outcomes = await pushAll(ids)

    const expected: Record<ChannelId, number> = {
      shopify: 1_000_000_000,
      'tiktok-shop': 99_999,
      amazon: onHand,
      walmart: onHand,
    }
    for (const channel of CHANNEL_IDS) {
      expect(offered(channel, sku)).toBe(expected[channel])
      expect(expected[channel]).toBe(Math.min(onHand, connectors[channel].stock.quantityRange.max))
    }
    expect(outcomes.get('shopify')).toEqual(['capped', 'applied'])
    expect(outcomes.get('tiktok-shop')).toEqual(['capped', 'applied'])
    expect(outcomes.get('amazon')).toEqual(['queued'])
    expect(outcomes.get('walmart')).toEqual(['applied'])
    // The listing says what the channel was told, not what the hub holds.
    const views = await listingsOf(sku)
    for (const view of views) {
      expect(view.lastPush).toMatchObject({ quantity: expected[view.channel], error: null })
    }

    // Reconciliation compares with what can be listed: TikTok showing 99,999 is no drift.
    const checks = { ...hub.deps, settleMs: 0 }
    const drifts: number[] = []
    const tiktok = ids.get('tiktok-shop')!
    expect(await checkListingStock(checks, tiktok, (d) => drifts.push(d))).toEqual({ kind: 'done' })
    expect(drifts).toEqual([0])
  })
})

describe('sold out', () => {
  it('reaches every channel as 0, TikTok included', async () => {
    const sku = 'QTY-ZERO'
    const ids = await listEverywhere(sku, 5)
    await pushAll(ids)
    expect(CHANNEL_IDS.map((c) => offered(c, sku))).toEqual([5, 5, 5, 5])

    const level = { onHand: 0, asOf: new Date(Date.now() + 1_000).toISOString() }
    expect((await json('PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
    const outcomes = await pushAll(ids)
    expect(CHANNEL_IDS.map((c) => offered(c, sku))).toEqual([0, 0, 0, 0])
    for (const channel of CHANNEL_IDS) expect(outcomes.get(channel)).not.toContain('failed')
    for (const view of await listingsOf(sku)) expect(view.lastPush.quantity).toBe(0)
  })

  it('an oversold Shopify level (available below 0) gets 0, never a negative write', async () => {
    const sku = 'QTY-OVERSOLD'
    const ids = await listEverywhere(sku, 4)
    const id = ids.get('shopify')!
    expect(await pushListingStock(hub.deps, id, 'oversold-1')).toEqual({ kind: 'done' })
    // Shopify sold more than it had: its `available` is negative, and the hub has not heard yet.
    emulator.state('shopify').stock.set(sku, -3)
    const counted: PushOutcome[] = []
    const result = await pushListingStock(hub.deps, id, 'oversold-2', (o) => counted.push(o))
    expect(result).toEqual({ kind: 'done' })
    expect(counted).toEqual(['stale', 'applied'])
    expect(offered('shopify', sku)).toBe(0)
    const view = (await listingsOf(sku)).find((l) => l.channel === 'shopify')!
    expect(view.lastPush).toMatchObject({ quantity: 0, status: 'applied', error: null })
  })
})
