// De-risks an OMS that reads through a named consumer losing its place: against the real hub, a
// consumer must read from its committed position through its filter, move only when committed
// (or sought), refuse a commit behind its position, show its lag, keep apart from every other
// consumer, and stream from where it was committed.
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { truncateAll } from '../../../../test/helpers/pipeline.js'
import { clientOf, positions, recordOrders, take } from '../helpers.js'

const hub = useTestHub({ listen: true })
beforeEach(() => truncateAll(hub.deps))

describe('consumers', () => {
  it('creates, lists, shows and deletes a consumer; a taken name is a 409', async () => {
    const client = clientOf(hub)
    const created = await client.consumers.create({ name: 'oms', eventTypes: ['order.*'] })
    expect(created).toMatchObject({
      name: 'oms',
      eventTypes: ['order.*'],
      position: 0,
      committedAt: null,
      lag: { events: 0, seconds: 0 },
    })
    expect(await client.consumers.get('oms')).toEqual(created)
    expect(await client.consumers.list()).toEqual([created])
    await expect(client.consumers.create({ name: 'oms', eventTypes: ['*'] })).rejects.toMatchObject(
      {
        status: 409,
      },
    )
    await client.consumers.delete('oms')
    await expect(client.consumers.get('oms')).rejects.toMatchObject({ status: 404 })
    await expect(
      client.consumers.create({ name: 'Not OK', eventTypes: ['*'] }),
    ).rejects.toMatchObject({ status: 400, problems: [expect.stringMatching(/^body\.name: /)] })
  })

  it('reads from its committed position and moves only when it commits', async () => {
    const client = clientOf(hub)
    await recordOrders(hub, 1, 5)
    await client.consumers.create({ name: 'reader', eventTypes: ['order.*'] })
    const first = await client.consumers.read('reader', { limit: 2 })
    expect(positions(first.events)).toEqual([1, 2])
    // Reading again without a commit reads the same page.
    expect(await client.consumers.read('reader', { limit: 2 })).toEqual(first)

    const committed = await client.consumers.commit('reader', 2)
    expect(committed).toMatchObject({ position: 2, lag: { events: 3 } })
    expect(committed.committedAt).not.toBeNull()
    expect(positions((await client.consumers.read('reader')).events)).toEqual([3, 4, 5])
    // The same position again changes nothing; one behind is refused with the committed one.
    expect(await client.consumers.commit('reader', 2)).toMatchObject({ position: 2 })
    await expect(client.consumers.commit('reader', 1)).rejects.toMatchObject({
      status: 409,
      body: { position: 2 },
    })
    await expect(client.consumers.commit('reader', 99)).rejects.toMatchObject({ status: 400 })
  })

  it('seeks back to read again, and shows its lag in events and seconds', async () => {
    const client = clientOf(hub)
    await recordOrders(hub, 1, 3)
    await client.consumers.create({ name: 'lagging', eventTypes: ['order.*'] })
    await client.consumers.commit('lagging', 3)
    expect(await client.consumers.get('lagging')).toMatchObject({
      lag: { events: 0, seconds: 0 },
    })
    const rewound = await client.consumers.seek('lagging', 1)
    expect(rewound).toMatchObject({ position: 1, lag: { events: 2 } })
    expect(rewound.lag.seconds).toBeGreaterThanOrEqual(0)
    expect(positions((await client.consumers.read('lagging')).events)).toEqual([2, 3])
  })

  it('keeps two consumers apart: one committing never moves the other', async () => {
    const client = clientOf(hub)
    await recordOrders(hub, 1, 3)
    await client.consumers.create({ name: 'a', eventTypes: ['order.*'] })
    await client.consumers.create({ name: 'b', eventTypes: ['order.*'], startAt: 'end' })
    await client.consumers.commit('a', 3)
    expect(await client.consumers.get('b')).toMatchObject({ position: 3, committedAt: null })
    await client.consumers.seek('b', 0)
    expect(await client.consumers.get('a')).toMatchObject({ position: 3 })
    expect(positions((await client.consumers.read('b')).events)).toEqual([1, 2, 3])
  })

  it('streams from its committed position, through its filter', async () => {
    const client = clientOf(hub)
    await recordOrders(hub, 1, 3)
    await client.consumers.create({ name: 'streamer', eventTypes: ['order.created.v1'] })
    await client.consumers.commit('streamer', 1)
    const seen = await take(
      (signal) => client.consumers.stream('streamer', { signal }),
      4,
      async (taken) => taken.length === 2 && (await recordOrders(hub, 4, 2)),
    )
    expect(positions(seen)).toEqual([2, 3, 4, 5])
    // Streaming commits nothing.
    expect(await client.consumers.get('streamer')).toMatchObject({ position: 1 })
  })
})
