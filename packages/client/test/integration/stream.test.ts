// De-risks an OMS that streams the feed through the client missing or repeating an event: against
// the real hub's Server-Sent Events endpoint, the stream must yield what the pipeline recorded in
// position order, keep going as new events are recorded, and come back from a connection cut in
// the middle (the hub out of reach for a moment) with no gap and no repeat.
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { truncateAll } from '../../../../test/helpers/pipeline.js'
import { clientOf, positions, recordOrders, take, withCuttableLink } from '../helpers.js'

const hub = useTestHub({ listen: true })
beforeEach(() => truncateAll(hub.deps))

describe('events.stream against the hub', () => {
  it('yields the recorded events, then new ones as they are recorded', async () => {
    await recordOrders(hub, 1, 3)
    const client = clientOf(hub)
    const seen = await take(
      (signal) => client.events.stream({ signal }),
      5,
      async (taken) => taken.length === 3 && (await recordOrders(hub, 4, 2)),
    )
    expect(positions(seen)).toEqual([1, 2, 3, 4, 5])
    // The stream carries the feed's events, as the feed renders them.
    expect(seen).toEqual((await client.events.list()).events)
  })

  it('comes back from a cut connection after the last event it yielded: no gap, no repeat', async () => {
    await recordOrders(hub, 1, 2)
    await withCuttableLink(hub, async (client, cut) => {
      const seen = await take(
        (signal) => client.events.stream({ signal, after: 0 }),
        4,
        (taken) => taken.length === 2 && cut(() => recordOrders(hub, 3, 2)),
      )
      expect(positions(seen)).toEqual([1, 2, 3, 4])
      expect(new Set(seen.map((e) => e.id)).size).toBe(4)
    })
  })

  it('starts after `after` and keeps to its type filter', async () => {
    await recordOrders(hub, 1, 3)
    const client = clientOf(hub)
    const seen = await take(
      (signal) => client.events.stream({ signal, after: 1, types: ['order.*'] }),
      2,
    )
    expect(positions(seen)).toEqual([2, 3])
  })

  it('ends with a HubApiError naming a malformed or out-of-range `after`', async () => {
    const client = clientOf(hub)
    await expect(client.events.stream({ after: 'x' }).next()).rejects.toMatchObject({
      name: 'HubApiError',
      status: 400,
      problems: [expect.stringMatching(/^query\.after: /)],
    })
    await expect(client.events.stream({ after: 99 }).next()).rejects.toMatchObject({
      status: 400,
      problems: [expect.stringMatching(/^query\.after: position 99 is beyond the feed's head 0/)],
    })
  })
})
