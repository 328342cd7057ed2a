// De-risks an OMS telling the hub its stock through the client: each call must reach the inventory
// route it names (a SKU with `/`, `?`, `%` or a space as that SKU, not another route), a level
// must be applied once however often it is sent, an adjustment once per key, a recount's partial
// refusal must come back typed rather than lost in an error, and bad input must surface as a
// HubApiError naming the field. Against a real hub.
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { truncateAll } from '../../../../test/helpers/pipeline.js'
import { clientOf } from '../helpers.js'

// Two declared locations: a recount can then make one SKU's total leave the integer range (422).
const hub = useTestHub({ listen: true, locations: ['east', 'west'] })
beforeEach(() => truncateAll(hub.deps))

const asOf = '2026-11-01T10:00:00Z'
const later = '2026-11-01T11:00:00Z'

describe('inventory', () => {
  it('sets a level and reads it back; a level not newer changes nothing and says why', async () => {
    const client = clientOf(hub)
    const set = await client.inventory.setLevel('TEE-1', { onHand: 7, asOf, safetyStock: 2 })
    expect(set).toMatchObject({
      applied: true,
      inventory: { sku: 'TEE-1', onHand: 7, safetyStock: 2, reserved: 0 },
    })
    const stock = await client.inventory.get('TEE-1')
    expect(stock).toMatchObject({
      sku: 'TEE-1',
      onHand: 7,
      onHandAsOf: '2026-11-01T10:00:00.000Z',
      onHandKnown: true,
      locations: [{ location: 'default', onHand: 7, reserved: 0 }],
      channelHeld: { reported: 0, listings: [] },
      listings: [],
    })

    const stale = await client.inventory.setLevel('TEE-1', { onHand: 99, asOf })
    expect(stale).toEqual({
      applied: false,
      reason: expect.stringMatching(/already stored; older or equal levels change nothing/),
      inventory: expect.objectContaining({ onHand: 7 }),
    })
    expect((await client.inventory.get('TEE-1')).onHand).toBe(7)
    await expect(client.inventory.get('NOT-THERE')).rejects.toMatchObject({
      name: 'HubApiError',
      status: 404,
      error: 'no inventory for sku NOT-THERE',
    })
  })

  it('takes a recount of several SKUs and locations; sent again, every level is unchanged', async () => {
    const client = clientOf(hub)
    const levels = [
      { sku: 'A', onHand: 5, asOf, location: 'east' },
      { sku: 'A', onHand: 3, asOf, location: 'west' },
      { sku: 'B', onHand: 0, asOf },
    ]
    expect(await client.inventory.setLevels(levels)).toEqual({
      levels: 3,
      applied: 3,
      unchanged: 0,
      refused: [],
    })
    expect(await client.inventory.setLevels(levels)).toEqual({
      levels: 3,
      applied: 0,
      unchanged: 3,
      refused: [],
    })
    const a = await client.inventory.get('A')
    expect(a.onHand).toBe(8)
    expect(a.locations.map((l) => [l.location, l.onHand])).toEqual([
      ['east', 5],
      ['west', 3],
    ])
    expect((await client.inventory.get('B')).onHand).toBe(0)
  })

  it("returns a recount's 422 typed: the refused level named, the others applied", async () => {
    const client = clientOf(hub)
    const answer = await client.inventory.setLevels([
      { sku: 'BIG', onHand: 2_000_000_000, asOf, location: 'east' },
      { sku: 'BIG', onHand: 2_000_000_000, asOf, location: 'west' },
      { sku: 'OK', onHand: 4, asOf },
    ])
    expect(answer).toEqual({
      error: '1 of 3 levels were refused (see refused); the others were applied',
      levels: 3,
      applied: 2,
      unchanged: 0,
      refused: [
        {
          index: 1,
          sku: 'BIG',
          error: expect.stringMatching(/^sku BIG: the resulting stock would leave the range/),
        },
      ],
    })
    expect((await client.inventory.get('OK')).onHand).toBe(4)
    expect((await client.inventory.get('BIG')).onHand).toBe(2_000_000_000)
  })

  it('applies an adjustment once when it is sent twice with the same key', async () => {
    const client = clientOf(hub)
    await client.inventory.setLevel('ADJ-1', { onHand: 10, asOf })
    const adjustment = { idempotencyKey: 'recv-1', sku: 'ADJ-1', delta: -3, reason: 'damaged' }
    expect(await client.inventory.adjust(adjustment)).toEqual({ status: 'applied', onHandAfter: 7 })
    expect(await client.inventory.adjust(adjustment)).toEqual({
      status: 'duplicate',
      onHandAfter: 7,
    })
    expect((await client.inventory.get('ADJ-1')).onHand).toBe(7)
    await expect(client.inventory.adjust({ ...adjustment, delta: -4 })).rejects.toMatchObject({
      status: 409,
      error: expect.stringMatching(/^idempotency key already used for sku ADJ-1 with delta -3/),
    })
  })

  it.each(['BOX/12', 'TEE RED L', 'A?B#C', '100%', 'adjustments'])(
    'reaches the SKU %j as that SKU',
    async (sku) => {
      const client = clientOf(hub)
      expect(await client.inventory.setLevel(sku, { onHand: 3, asOf })).toMatchObject({
        applied: true,
        inventory: { sku, onHand: 3 },
      })
      await client.inventory.adjust({ idempotencyKey: `k-${sku}`, sku, delta: 2 })
      await client.inventory.setLevels([{ sku, onHand: 6, asOf: later }])
      expect(await client.inventory.get(sku)).toMatchObject({ sku, onHand: 6 })
    },
  )

  it('refuses a SKU `.` or `..` by path before sending (a URL resolves it away), not by recount', async () => {
    const client = clientOf(hub)
    for (const sku of ['.', '..']) {
      await expect(client.inventory.setLevel(sku, { onHand: 1, asOf })).rejects.toThrow(RangeError)
      await expect(client.inventory.get(sku)).rejects.toThrow(/has no URL path of its own/)
    }
    expect(await client.inventory.setLevels([{ sku: '..', onHand: 1, asOf }])).toMatchObject({
      applied: 1,
    })
  })

  it('surfaces bad input as a HubApiError naming each field, and changes nothing', async () => {
    const client = clientOf(hub)
    await expect(
      client.inventory.setLevel('BAD-1', { onHand: -1, asOf: 'yesterday' }),
    ).rejects.toMatchObject({
      status: 400,
      error: 'invalid request',
      problems: expect.arrayContaining([
        expect.stringMatching(/^body\.onHand: /),
        expect.stringMatching(/^body\.asOf: /),
      ]),
    })
    await expect(
      client.inventory.setLevels([{ sku: 'BAD-1', onHand: 1, asOf, location: 'north' }]),
    ).rejects.toMatchObject({
      status: 400,
      problems: [expect.stringMatching(/^body\.levels\[0\]\.location: unknown location "north"/)],
    })
    await expect(
      client.inventory.adjust({ idempotencyKey: 'z', sku: 'BAD-1', delta: 0 }),
    ).rejects.toMatchObject({ status: 400, problems: [expect.stringMatching(/^body\.delta: /)] })
    await expect(client.inventory.get('BAD-1')).rejects.toMatchObject({ status: 404 })
  })
})
