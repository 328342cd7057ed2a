// De-risks the TikTok Shop mapping of an order read from the order list (topic hub.order-sync),
// with TikTok's own published examples: that a listed order, complete as listed, maps at once (no
// read) to exactly the snapshot a type-1 webhook gives once its order is fetched, timed by the
// order's update_time; that the same holds for the emulated shop's orders before and after a
// cancellation; and that a listed record that is not an order is `invalid`, naming the bad path.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import { newChannelState } from '../../src/sandbox/emulator.js'
import { parseJsonBody } from '../../src/json.js'
import { inputBuilder, observations, type Json } from '../../test/helpers/normalizer-cases.js'
import { normalizers } from '../index.js'
import type { NormalizeResult } from '../types.js'
import { tiktokShop } from './index.js'

function sample(name: string): Json {
  const url = new URL(`../../test/samples/tiktok-shop/${name}`, import.meta.url)
  return parseJsonBody(readFileSync(url, 'utf8')) as Json
}

/** Get Order Detail's published order: Get Order List answers the same object. */
const ORDER = (sample('get-order-detail-202507.response.json').data as { orders: Json[] })
  .orders[0]!
const ORDER_ID = String(ORDER.id)
/** TikTok's published type-1 example. */
const EVENT = sample('1-order-status-change.event-example.json') as Json & { data: Json }

const input = inputBuilder('tiktok-shop', 'order-sync:tiktok-shop:demo:576461413038785752')

const listed = (record: unknown) => tiktokShop.normalize(input(ORDER_SYNC_TOPIC, record))

/** A type-1 webhook, with `order` fetched for the order it names. */
const webhook = (body: Json & { data: Json }, order: unknown) =>
  tiktokShop.normalize(
    input('ORDER_STATUS_CHANGE', body, { [`order:${String(body.data.order_id)}`]: order }),
  )

const snapshotOf = (result: NormalizeResult) => {
  const [observation] = observations(result)
  if (observation?.kind !== 'order') throw new Error(`not an order: ${JSON.stringify(result)}`)
  return observation.snapshot
}

describe('tiktok-shop normalizer · hub.order-sync', () => {
  it('is registered, and maps a listed order at once: no read is needed', () => {
    expect(normalizers['tiktok-shop']).toBe(tiktokShop)
    expect(listed(ORDER).kind).toBe('observations')
  })

  it('gives the snapshot a type-1 webhook gives once the same order is fetched (published examples)', () => {
    const event = { ...EVENT, data: { ...EVENT.data, order_id: ORDER_ID } }
    expect(webhook(event, undefined)).toEqual({
      kind: 'hydrate',
      needs: [{ kind: 'order', id: ORDER_ID }],
    })
    const polled = snapshotOf(listed(ORDER))
    expect(polled).toEqual(snapshotOf(webhook(event, ORDER)))
    expect(polled).toMatchObject({
      externalId: '576461413038785752',
      status: 'pending',
      updatedAt: new Date(Number(ORDER.update_time) * 1000).toISOString(),
      currency: 'IDR',
    })
  })

  it('agrees with the webhook path for the emulated shop’s orders, placed and then cancelled', () => {
    const state = newChannelState('tiktok-shop', 'demo')
    state.stock.set('TEE', 2)
    const at = new Date('2026-11-22T11:00:00Z')
    const placed = tiktokShopEmulator.placeOrder(state, [{ sku: 'TEE', quantity: 2 }], at)
    if (!placed.accepted) throw new Error(placed.reason)
    const held = () => structuredClone(state.orders.get(placed.orderId))
    const body = (sent: { body: string }) => parseJsonBody(sent.body) as Json & { data: Json }

    const open = snapshotOf(listed(held()))
    expect(open).toEqual(snapshotOf(webhook(body(placed.webhooks[0]!), held())))
    // Cancelled in the same second: still a newer update time, and the same snapshot both ways.
    const [cancel] = tiktokShopEmulator.cancelOrder(state, placed.orderId, at)
    const cancelled = snapshotOf(listed(held()))
    expect(cancelled).toEqual(snapshotOf(webhook(body(cancel!), held())))
    expect(cancelled.status).toBe('cancelled')
    expect(Date.parse(cancelled.updatedAt)).toBeGreaterThan(Date.parse(open.updatedAt))
  })
})

describe('tiktok-shop normalizer · hub.order-sync refusals', () => {
  const issuesOf = (result: NormalizeResult) => {
    expect(result.kind).toBe('invalid')
    return result.kind === 'invalid' ? result.issues : []
  }

  it('refuses a record without the order’s fields, one issue per path', () => {
    const { update_time: _, ...undated } = ORDER
    expect(issuesOf(listed(undated))).toEqual([expect.stringMatching(/^update_time: /)])
    const noCurrency = { ...ORDER, payment: { ...(ORDER.payment as Json), currency: undefined } }
    expect(issuesOf(listed(noCurrency))).toEqual([expect.stringMatching(/^payment\.currency: /)])
  })

  it('refuses a webhook envelope filed as a listed order, and an unknown status', () => {
    expect(issuesOf(listed(EVENT)).length).toBeGreaterThan(0)
    expect(issuesOf(listed({ ...ORDER, status: 'TELEPORTED' }))).toEqual([
      'status: unknown order status "TELEPORTED"',
    ])
  })
})
