// De-risks the budget's wiring into the channel clients: clients the account directory builds in two processes pace one account through one bucket in Redis, and a 429 a channel answered one process (Amazon, Walmart, TikTok Shop) stops the other's calls of that bucket until Retry-After.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { connectors } from '../../connectors/index.js'
import { createBudget } from '../../src/budget/index.js'
import { systemClock } from '../../src/clock.js'
import { createAccountDirectory } from '../../src/config/account-directory.js'
import type { Account } from '../../src/config/index.js'
import type { ChannelId } from '../../src/events/index.js'
import { readApiBudgetUse } from '../../src/metrics/api-budget.js'
import { amazonEmulator } from '../../src/sandbox/amazon/index.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import { walmartEmulator } from '../../src/sandbox/walmart/index.js'
import type { RedisClient } from '../../src/redis-client.js'
import { failure } from '../helpers/channel-client.js'
import { useEmulatorOverMsw } from '../helpers/emulator-msw.js'
import { fetchTransport } from '../helpers/fetch-transport.js'
import { deleteKeys } from '../helpers/hub.js'
import { testRedis } from '../helpers/redis.js'

const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
// One connection per "process": each directory gets a budget of its own over its own connection.
const connections = [0, 1].map(() => testRedis({ maxRetriesPerRequest: 1 }))
afterAll(async () => {
  for (const c of connections) c.disconnect()
  await deleteKeys(prefix)
})

const EMULATOR = 'https://emulator.test'
const emulators = {
  amazon: useEmulatorOverMsw(amazonEmulator, { bases: [`${EMULATOR}/amazon`] }),
  walmart: useEmulatorOverMsw(walmartEmulator, { bases: [`${EMULATOR}/walmart`] }),
  'tiktok-shop': useEmulatorOverMsw(tiktokShopEmulator, { bases: [`${EMULATOR}/tiktok-shop`] }),
}

/** An account of `channel` no other test uses, on the emulator's sandbox seller. */
function account(
  channel: keyof typeof emulators,
  overrides: Record<string, unknown> = {},
): Account {
  const connector = connectors[channel]
  const credentials = connector.credentials.parse({
    ...connector.sandboxCredentials(EMULATOR),
    ...overrides,
  })
  return { channel, id: `acct-${randomBytes(4).toString('hex')}`, credentials }
}

/** The account directory of one process: with the shared budget on `connection`, or without. */
function directoryOf(accounts: readonly Account[], connection?: RedisClient) {
  const ctx = { transport: fetchTransport(), clock: systemClock }
  const budget = connection ? createBudget(connection, prefix) : undefined
  return createAccountDirectory(accounts, ctx, undefined, budget?.forAccount)
}

function hydrateOrder(
  directory: ReturnType<typeof directoryOf>,
  { channel, id }: Account,
  orderId: string,
) {
  const client = directory.client(channel, id)
  if (!client) throw new Error(`no client for ${channel}/${id}`)
  return client.hydrate([{ kind: 'order', id: orderId }])
}

describe('clients built through the account directory', () => {
  it("share one account's bucket across processes, where each alone would have sent", async () => {
    const tiktok = emulators['tiktok-shop']
    for (const id of ['5770001', '5770002', '5770003', '5770004'])
      tiktok.state.orders.set(id, { id })
    // 0.1 call/s with a burst of one (connectors/shared/per-api-buckets.ts): one call, then 10 s.
    const shop = account('tiktok-shop', { rateLimitPerSecond: 0.1 })
    const orderReads = () =>
      tiktok.state.requests.filter((r) => r.path === '/order/202309/orders').length

    const [first, second] = connections.map((c) => directoryOf([shop], c))
    await hydrateOrder(first!, shop, '5770001')
    const refused = await failure(hydrateOrder(second!, shop, '5770002'))
    expect(refused.kind).toBe('rate-limited')
    expect(refused.details.retryAfterMs).toBeGreaterThan(2_000)
    expect(refused.details.retryAfterMs).toBeLessThanOrEqual(10_000)
    expect(refused.message).toContain(`shared API budget of tiktok-shop/${shop.id} is used up`)
    expect(orderReads()).toBe(1)

    // Without the budget each process paces itself alone, and both calls go out.
    const [third, fourth] = [directoryOf([shop]), directoryOf([shop])]
    await hydrateOrder(third, shop, '5770003')
    await hydrateOrder(fourth, shop, '5770004')
    expect(orderReads()).toBe(3)
  })

  const ORDER_READS: Record<keyof typeof emulators, { path: string; orderId: string }> = {
    amazon: { path: '/orders/v0/orders/', orderId: '113-4567890-1234567' },
    walmart: { path: '/v3/orders/', orderId: '1796277083022' },
    'tiktok-shop': { path: '/order/202309/orders', orderId: '576461413038785752' },
  }

  for (const channel of Object.keys(ORDER_READS) as (keyof typeof emulators)[]) {
    it(`${channel}: a 429 answered to one process holds the bucket for the other until Retry-After`, async () => {
      const emulator = emulators[channel]
      const { path, orderId } = ORDER_READS[channel]
      emulator.state.faults.add({
        path,
        answer: () =>
          new Response(JSON.stringify({ errors: [{ code: 'QuotaExceeded' }] }), {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '30' },
          }),
      })
      const seller = account(channel)
      const orderReads = () => emulator.state.requests.filter((r) => r.path.startsWith(path))
      const [first, second] = connections.map((c) => directoryOf([seller], c))

      const throttled = await failure(hydrateOrder(first!, seller, orderId))
      expect(throttled).toMatchObject({ kind: 'rate-limited', details: { status: 429 } })
      expect(throttled.details.retryAfterMs).toBe(30_000)

      // The hold is recorded without the caller waiting for it (connectors call `hold` and throw).
      await expect.poll(() => bucketsHeld(channel, seller.id)).toBe(1)
      const held = await failure(hydrateOrder(second!, seller, orderId))
      expect(held.kind).toBe('rate-limited')
      expect(held.details.status).toBeUndefined() // refused here, not by the channel
      expect(held.message).toContain('the channel answered 429')
      expect(held.details.retryAfterMs).toBeGreaterThan(0)
      expect(held.details.retryAfterMs).toBeLessThanOrEqual(30_000)
      expect(orderReads()).toHaveLength(1)

      const use = await readApiBudgetUse(connections[0]!, prefix, {
        channel: channel satisfies ChannelId,
        accountId: seller.id,
      })
      expect(use.find((u) => u.lane === 'hydrate')).toMatchObject({ throttled: 1 })
    })
  }
})

/** How many of the account's buckets stand held in Redis. */
async function bucketsHeld(channel: ChannelId, accountId: string): Promise<number> {
  const redis = connections[0]!
  const keys = await redis.keys(`${prefix}:budget:${channel}:${accountId}:*`)
  const holds = await Promise.all(keys.map((k) => redis.hget(k, 'hold')))
  return holds.filter((h) => Number(h) > 0).length
}
