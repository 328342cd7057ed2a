// Issue #15 through the hub and the marketplace emulator: nothing is pushed for a SKU whose on-hand
// is unknown, partitioned listings never add up to more than is available (a lower count lowers
// them, a higher one raises them), many due listings of one account go out in one bulk call, and a
// policy that can never list anything is refused with the field named.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import type { ChannelId } from '../../src/events/index.js'
import {
  allocationWindow,
  planPush,
  planPushes,
  type PlannedPush,
} from '../../src/pipeline/plan-push.js'
import { pushListingStock } from '../../src/pipeline/push-stock.js'
import { pushListingsInBulk } from '../../src/pipeline/push-stock-bulk.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'
import { claimBatch } from '../../workers/stock.js'
import { stockCounterKey } from '../../src/metrics/stock.js'

const emulator = useEmulator()
const hub = useTestHub({ accounts: () => sandboxAccounts(emulator.url) })
beforeEach(() => truncateAll(hub.deps))

const json = (method: string, path: string, body?: unknown) =>
  hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

async function list(
  sku: string,
  channels: readonly ChannelId[],
  policy: Record<string, unknown> = {},
): Promise<Map<ChannelId, string>> {
  const listings = channels.map((channel) => ({
    sku,
    channel,
    account: 'demo',
    unit: emulatedChannels[channel].listingUnit(sku),
    policy,
  }))
  const res = await json('PUT', '/v1/listings', { listings })
  expect(res.status).toBe(200)
  const { ids } = (await res.json()) as { ids: string[] }
  return new Map(channels.map((c, i) => [c, ids[i]!]))
}

let counted = 0
const setOnHand = (sku: string, onHand: number) =>
  json('PUT', `/v1/inventory/${sku}`, {
    onHand,
    // Each level newer than the last, whatever order the tests run in.
    asOf: new Date(Date.now() + ++counted).toISOString(),
  })

const offered = (channel: ChannelId, sku: string) => emulator.state(channel).stock.get(sku)

async function pushAll(ids: Map<ChannelId, string>, rounds = 3): Promise<void> {
  // A lowering queues the others (as the worker would run them); a few rounds settle a plan.
  for (let round = 0; round < rounds; round++)
    for (const [channel, id] of ids)
      expect(await pushListingStock(hub.deps, id, `alloc-${channel}-${round}`)).toEqual({
        kind: 'done',
      })
}

describe('safe onboarding', () => {
  it('sends nothing for a SKU whose on-hand is unknown, says why, and pushes once it is set', async () => {
    const sku = 'ONBOARD-1'
    emulator.state('walmart').stock.set(sku, 7) // a live listing the channel already shows
    const heldCount = async () =>
      Number(
        await hub.deps.redis.producer.hget(
          stockCounterKey(hub.config.queues.prefix),
          'walmart|demo|held',
        ),
      )
    const heldBefore = await heldCount()
    const ids = await list(sku, ['walmart'])
    const held = async () => {
      const res = await hub.app.request(`/v1/listings?sku=${sku}`, { headers: ADMIN })
      const [view] = ((await res.json()) as { listings: { lastPush: unknown }[] }).listings
      expect(view!.lastPush).toMatchObject({
        status: 'held',
        error: expect.stringContaining(`the on-hand of ${sku} is not known yet`),
      })
    }
    // Held as it was created: no job waits its turn in the channel's rate-limited queue.
    await held()
    await vi.waitFor(async () => expect(await heldCount()).toBe(heldBefore + 1))
    for (const queue of hub.deps.queues.stock.all)
      expect(await queue.getJobCounts('waiting', 'delayed', 'prioritized')).toEqual({
        waiting: 0,
        delayed: 0,
        prioritized: 0,
      })
    const before = emulator.state('walmart').stats.stockWrites
    await pushAll(ids, 1)
    expect(emulator.state('walmart').stats.stockWrites).toBe(before)
    expect(offered('walmart', sku)).toBe(7)
    await held()
    expect((await setOnHand(sku, 5)).status).toBe(200)
    await pushAll(ids, 1)
    expect(offered('walmart', sku)).toBe(5)
  })

  it('pushes before any count only when the policy says pushUnknownOnHand', async () => {
    const sku = 'ONBOARD-2'
    emulator.state('walmart').stock.set(sku, 7)
    await pushAll(await list(sku, ['walmart'], { pushUnknownOnHand: true }), 1)
    expect(offered('walmart', sku)).toBe(0)
  })
})

describe('partitioned allocation', () => {
  const channels: ChannelId[] = ['shopify', 'walmart', 'tiktok-shop']

  it('splits available-to-sell so the channels together never list more, lowering before raising', async () => {
    const sku = 'PART-1'
    const ids = await list(sku, channels)
    await setOnHand(sku, 10)
    await pushAll(ids)
    const sum = () => channels.reduce((n, c) => n + (offered(c, sku) ?? 0), 0)
    expect(sum()).toBe(10)
    for (const c of channels) expect(offered(c, sku)).toBeGreaterThanOrEqual(3)

    await setOnHand(sku, 4)
    await pushAll(ids)
    expect(sum()).toBeLessThanOrEqual(4)
    expect(sum()).toBe(4)

    await setOnHand(sku, 30)
    await pushAll(ids)
    expect(sum()).toBe(30)
  })

  it('weights shares, and a shared listing is offered everything', async () => {
    const sku = 'PART-2'
    const heavy = await list(sku, ['shopify'], { weight: 3 })
    const light = await list(sku, ['walmart'])
    const all = await list(sku, ['tiktok-shop'], { allocation: 'shared' })
    await setOnHand(sku, 8)
    await pushAll(new Map([...heavy, ...light, ...all]))
    expect(offered('shopify', sku)).toBe(6)
    expect(offered('walmart', sku)).toBe(2)
    expect(offered('tiktok-shop', sku)).toBe(8)
  })
})

describe('bulk pushes', () => {
  it('sends many due listings of one account in one bulk call and records each', async () => {
    const skus = ['BULK-1', 'BULK-2', 'BULK-3', 'BULK-4', 'BULK-5']
    const ids: string[] = []
    for (const [i, sku] of skus.entries()) {
      ids.push((await list(sku, ['shopify'])).get('shopify')!)
      await setOnHand(sku, 10 + i)
    }
    const state = emulator.state('shopify')
    const calls = state.requests.length
    expect(await pushListingsInBulk(hub.deps, ids, () => undefined)).toEqual({ kind: 'done' })
    const sent = state.requests.slice(calls).filter((r) => r.method === 'POST')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.body).toContain('inventorySetQuantities')
    for (const [i, sku] of skus.entries()) expect(offered('shopify', sku)).toBe(10 + i)
    const res = await hub.app.request('/v1/listings', { headers: ADMIN })
    const views = ((await res.json()) as { listings: { sku: string; lastPush: unknown }[] })
      .listings
    for (const [i, sku] of skus.entries())
      expect(views.find((v) => v.sku === sku)!.lastPush).toMatchObject({
        quantity: 10 + i,
        status: 'applied',
      })
  })
})

describe('planning a batch', () => {
  const channels: ChannelId[] = ['shopify', 'walmart', 'tiktok-shop']

  /**
   * One set of SKUs: `P` partitioned at 12 with its channels believed to offer 5/3/3 (targets
   * 4/4/4: one room of one unit for two raises), `L` partitioned at 6 offering 5/5/5 (every
   * listing lowered), `H` with its on-hand unknown (held). Returns the listings in the order planned.
   */
  async function build(prefix: string): Promise<string[]> {
    const offer = async (ids: Map<ChannelId, string>, base: readonly number[]) => {
      for (const [i, c] of channels.entries())
        await hub.deps.db
          .updateTable('listing')
          .set({ offered_base: base[i]!, committed_at_base: 0 })
          .where('id', '=', ids.get(c)!)
          .execute()
    }
    const p = await list(`${prefix}-P`, channels)
    const l = await list(`${prefix}-L`, channels)
    const h = await list(`${prefix}-H`, channels)
    expect((await setOnHand(`${prefix}-P`, 12)).status).toBe(200)
    expect((await setOnHand(`${prefix}-L`, 6)).status).toBe(200)
    await offer(p, [5, 3, 3])
    await offer(l, [5, 5, 5])
    return [
      p.get('walmart')!,
      h.get('shopify')!,
      l.get('tiktok-shop')!,
      p.get('tiktok-shop')!,
      l.get('shopify')!,
      p.get('shopify')!,
      h.get('walmart')!,
      l.get('walmart')!,
    ]
  }

  // The two sets differ only in their SKUs' prefix, which a held listing's reason names.
  const shape = (prefix: string, p: PlannedPush | { kind: string }): unknown =>
    JSON.parse(JSON.stringify(shapeOf(p)).replaceAll(prefix, 'BATCH'))
  const shapeOf = (p: PlannedPush | { kind: string }) =>
    'decision' in p
      ? {
          channel: p.listing.channel,
          decision: p.decision,
          believed: p.believed,
          donors: p.donors.map((d) => d.channel).sort(),
          siblings: p.siblings.map((d) => d.channel).sort(),
        }
      : p

  const inflight = async (ids: readonly string[]) => {
    const rows = await hub.deps.db
      .selectFrom('listing')
      .select(['id', 'inflight_quantity'])
      .where('id', 'in', ids)
      .execute()
    return ids.map((id) => rows.find((r) => r.id === id)!.inflight_quantity)
  }

  it('decides as planning each listing in turn would, and marks exactly the writes in flight', async () => {
    const batch = await build('BATCH-A')
    const single = await build('BATCH-B')
    const window = allocationWindow(hub.deps.config.stock)
    const planned = await planPushes(hub.deps.db, hub.deps.accounts, batch, window)
    const one: unknown[] = []
    for (const id of single)
      one.push(shape('BATCH-B', await planPush(hub.deps.db, hub.deps.accounts, id, window)))
    const many = batch.map((id) => shape('BATCH-A', planned.get(id)!))
    expect(many).toEqual(one)
    // The one unit of room goes to the first of the two raises planned; the second keeps.
    expect(many[0]).toMatchObject({ decision: { kind: 'write', reason: 'raise', quantity: 4 } })
    expect(many[3]).toMatchObject({ decision: { kind: 'keep' } })
    expect(many[1]).toMatchObject({ decision: { kind: 'hold', status: 'held' } })
    for (const i of [2, 4, 7])
      expect(many[i]).toMatchObject({ decision: { kind: 'write', reason: 'lower', quantity: 2 } })
    const writes = batch.map((id) => {
      const p = planned.get(id)!
      return 'decision' in p && p.decision.kind === 'write' ? p.decision.quantity : null
    })
    expect(await inflight(batch)).toEqual(writes)
    expect(await inflight(single)).toEqual(writes)
  })
})

describe('bad policies', () => {
  it.each([
    [{ maxListed: 0 }, 'listings[0].policy.maxListed'],
    [{ percentage: 0 }, 'listings[0].policy.percentage'],
    [{ buffer: 2, maxListed: 0 }, 'listings[0].policy.maxListed'],
    [{ weight: 0 }, 'listings[0].policy.weight'],
    [{ allocation: 'sometimes' }, 'listings[0].policy.allocation'],
  ])('refuses %j naming %s, and changes nothing', async (policy, field) => {
    const sku = 'BAD-POLICY'
    const listings = [{ sku, channel: 'walmart', account: 'demo', unit: { sku }, policy } as const]
    const res = await json('PUT', '/v1/listings', { listings })
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).toContain(field)
    const after = await hub.app.request(`/v1/listings?sku=${sku}`, { headers: ADMIN })
    expect(((await after.json()) as { listings: unknown[] }).listings).toEqual([])
  })
})

describe('bulk claims', () => {
  it('never give one waiting push to two jobs, however many claim at once', async () => {
    const queue = hub.deps.queues.stock.queueOf('shopify', 'demo')!
    await queue.obliterate({ force: true })
    const ids = Array.from({ length: 300 }, (_, i) => String(10_000 + i))
    await hub.deps.queues.stock.enqueue(
      'push',
      ids.map((id) => ({ id, channel: 'shopify', account_id: 'demo', sku: `CLAIM-${id}` })),
    )
    // Four workers' jobs claiming together read the same waiting list: without an exclusive claim,
    // BullMQ's removal answers success to each of them and every batch would send the same jobs.
    const claims = await Promise.all(
      Array.from({ length: 4 }, () =>
        claimBatch(hub.deps.redis.worker, queue, { minItems: 2, maxItems: 250 }),
      ),
    )
    const taken = claims.flat()
    expect(new Set(taken).size).toBe(taken.length)
    expect(taken.length).toBeGreaterThan(0)
    // Whatever no claim took is still waiting, to be pushed on its own: nothing lost.
    const waiting = (await queue.getJobs(['waiting'])).map((j) => j.data.listingId)
    expect([...taken, ...waiting].sort()).toEqual([...ids].sort())
  })
  it('gather while the queue still grows when the bulk call is scarce, one job at a time', async () => {
    const queue = hub.deps.queues.stock.queueOf('walmart', 'demo')!
    await queue.obliterate({ force: true })
    const push = (ids: number[]) =>
      hub.deps.queues.stock.enqueue(
        'push',
        ids.map((i) => ({ id: String(i), channel: 'walmart', account_id: 'demo', sku: `G-${i}` })),
      )
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)
    await push(range(20_000, 10))
    const redis = hub.deps.redis.worker
    const bulk = { minItems: 2, maxItems: 1_000, gather: { quietMs: 1_000, maxMs: 20_000 } }
    const gathering = claimBatch(redis, queue, bulk)
    await vi.waitFor(async () => expect(await redis.exists(queue.toKey('gathering'))).toBe(1))
    // The rest of a recount arrives while it gathers; another job meanwhile takes nothing.
    await push(range(20_010, 60))
    expect(await claimBatch(redis, queue, bulk)).toEqual([])
    const taken = await gathering
    expect(taken.sort()).toEqual(range(20_000, 70).map(String))
    expect(await redis.exists(queue.toKey('gathering'))).toBe(0)
  })
})
