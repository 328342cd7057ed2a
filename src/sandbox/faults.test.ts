// De-risks the emulator's fault injection and its msw bridge, on which every channel-client test
// rests: a fault applies to the requests it matches, as many times as it says and in order; an
// injected answer, latency or dropped connection reaches a real client as the channel's failure
// would; every request is logged as it arrived; webhook faults drop or repeat what a channel sends.
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { ChannelApiError } from '../../connectors/shared/api-error.js'
import { createShopifyClient } from '../../connectors/shopify/client.js'
import { shopify } from '../../connectors/shopify/index.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import { fetchTransport } from '../../test/helpers/fetch-transport.js'
import { channelApp, newChannelState } from './emulator.js'
import { FaultPlan, REQUEST_LOG_SIZE } from './faults.js'
import { sentCopies } from './send.js'
import { idsOf, LOCATION_ID } from './shopify/seller.js'
import { shopifyEmulator } from './shopify/index.js'
import type { SignedWebhook } from './types.js'

describe('FaultPlan', () => {
  it('applies a fault to matching requests only, as many times as it says, first added first', () => {
    const plan = new FaultPlan()
      .add({ method: 'PUT', path: '/v3/inventory', times: 2, delayMs: 1 })
      .add({ path: /^\/v3\//, delayMs: 2 })
    expect(plan.take('GET', '/v3/inventory')?.delayMs).toBe(2)
    expect(plan.take('PUT', '/v3/orders')).toBeUndefined()
    expect(plan.take('PUT', '/v3/inventory')?.delayMs).toBe(1)
    expect(plan.take('PUT', '/v3/inventory')?.delayMs).toBe(1)
    expect(plan.take('PUT', '/v3/inventory')).toBeUndefined()
  })

  it('clear drops every fault not used up', () => {
    const plan = new FaultPlan().add({ times: Infinity, delayMs: 1 })
    expect(plan.take('GET', '/')).toBeDefined()
    plan.clear()
    expect(plan.take('GET', '/')).toBeUndefined()
  })
})

describe('the emulator behind msw', () => {
  const BASE = 'https://faults.test/shopify'
  const emulator = useEmulatorOverMsw(shopifyEmulator, { bases: [BASE] })
  const sku = 'TEE-1'
  const client = () =>
    createShopifyClient(
      { ...shopify.sandboxCredentials('https://faults.test'), requestTimeoutMs: 200 },
      { transport: fetchTransport(), clock: { now: () => new Date() } },
    )
  const read = () => client().readAvailable(idsOf(sku).inventoryItemId, LOCATION_ID)
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('the call succeeded'),
      (err: unknown) => {
        expect(err).toBeInstanceOf(ChannelApiError)
        return err as ChannelApiError
      },
    )

  it("answers with the channel's own behaviour when no fault is set, and logs the request", async () => {
    emulator.state.stock.set(sku, 7)
    await expect(read()).resolves.toBe(7)
    expect(emulator.state.requests).toHaveLength(1)
    const [request] = emulator.state.requests
    expect(request).toMatchObject({ method: 'POST', path: '/admin/api/2026-10/graphql.json' })
    expect(request!.headers['x-shopify-access-token']).toBe('shpat_sandbox_token')
    expect(JSON.parse(request!.body)).toHaveProperty('query')
    expect(request!.faulted).toBeUndefined()
  })

  it('an injected answer replaces the channel’s, once', async () => {
    emulator.state.stock.set(sku, 7)
    emulator.state.faults.add({
      answer: () => HttpResponse.json({ errors: 'down' }, { status: 503 }),
    })
    expect((await failure(read())).kind).toBe('transient')
    await expect(read()).resolves.toBe(7)
    expect(emulator.state.requests.map((r) => r.faulted)).toEqual([true, undefined])
  })

  it('a dropped connection is a network error; latency beyond the timeout is a timeout', async () => {
    emulator.state.faults.add({ networkError: true }).add({ delayMs: 1_000 })
    expect((await failure(read())).kind).toBe('transient')
    const slow = await failure(read())
    expect(slow.message).toMatch(/no complete answer within 200 ms/)
  })
})

describe('the request log', () => {
  it('keeps the latest REQUEST_LOG_SIZE requests, so a sandbox left running does not grow', async () => {
    const state = newChannelState('shopify', 'demo')
    const app = channelApp(shopifyEmulator, state)
    for (let i = 0; i < REQUEST_LOG_SIZE + 5; i++)
      await app.request(`/shopify/admin/api/2026-10/graphql.json?n=${i}`, { method: 'GET' })
    expect(state.requests).toHaveLength(REQUEST_LOG_SIZE)
    expect(state.requests[0]!.rawQuery).toBe('n=5')
    expect(state.requests.at(-1)!.rawQuery).toBe(`n=${REQUEST_LOG_SIZE + 4}`)
  })
})

describe('webhook faults', () => {
  const webhook: SignedWebhook = { path: '/webhooks/shopify/demo', headers: {}, body: '{}' }

  it('drop the next webhooks, then repeat the next ones, then send once', () => {
    const faults = { drop: 1, duplicate: 1 }
    expect(sentCopies(faults, webhook)).toEqual([])
    expect(sentCopies(faults, webhook)).toEqual([webhook, webhook])
    expect(sentCopies(faults, webhook)).toEqual([webhook])
    expect(faults).toEqual({ drop: 0, duplicate: 0 })
  })
})
