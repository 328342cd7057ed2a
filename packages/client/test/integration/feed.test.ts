// De-risks an OMS that pulls the feed through the client missing or repeating an event: list and
// iterate must return what the hub's pipeline recorded, in position order, and an iteration
// stopped and started again from the last position it yielded must continue with no gap and no
// repeat. A refused request must surface the hub's own explanation (HubApiError).
import { HubApiError } from '@marketplace-hub/client'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { truncateAll } from '../../../../test/helpers/pipeline.js'
import { clientOf, positions, recordOrders, take, withCuttableLink } from '../helpers.js'

const hub = useTestHub({ listen: true })
beforeEach(() => truncateAll(hub.deps))

describe('events.list', () => {
  it('pages through the events the pipeline recorded, in position order', async () => {
    await recordOrders(hub, 1, 5)
    const client = clientOf(hub)
    const first = await client.events.list({ limit: 3 })
    expect(positions(first.events)).toEqual([1, 2, 3])
    expect(first.next).toBe('3')
    expect(first.events[0]).toMatchObject({ type: 'order.created.v1', specversion: '1.0' })
    const rest = await client.events.list({ after: first.next, limit: 3 })
    expect(positions(rest.events)).toEqual([4, 5])
    const none = await client.events.list({ after: rest.next, types: ['order.*'] })
    expect(none).toEqual({ events: [], next: '5' })
    expect((await client.events.list({ types: ['inventory.*'] })).events).toEqual([])
  })

  it('rejects a bad request with a HubApiError naming the problem', async () => {
    const client = clientOf(hub)
    const refused = await client.events.list({ types: ['ordr.*'] }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(HubApiError)
    expect(refused).toMatchObject({
      status: 400,
      error: 'invalid request',
      problems: [expect.stringMatching(/^query\.types: .*matches no event type/)],
    })
    await expect(client.events.list({ after: 'yesterday' })).rejects.toMatchObject({
      status: 400,
      problems: [expect.stringMatching(/^query\.after: /)],
    })
  })

  it('rejects a wrong token with a 401 HubApiError', async () => {
    await expect(clientOf(hub, 'not-the-token').events.list()).rejects.toMatchObject({
      name: 'HubApiError',
      status: 401,
    })
  })

  it('rejects `after` beyond the feed head, naming query.after', async () => {
    await recordOrders(hub, 1, 2)
    await expect(clientOf(hub).events.list({ after: 9 })).rejects.toMatchObject({
      status: 400,
      problems: [expect.stringMatching(/^query\.after: position 9 is beyond the feed's head 2/)],
    })
  })
})

describe('events.iterate', () => {
  it('yields the recorded events, then new ones as they are recorded', async () => {
    await recordOrders(hub, 1, 3)
    const client = clientOf(hub)
    const seen = await take(
      (signal) => client.events.iterate({ signal, idleMs: 20 }),
      5,
      // Caught up: the next events are recorded while the loop waits for them.
      async (taken) => taken.length === 3 && (await recordOrders(hub, 4, 2)),
    )
    expect(positions(seen)).toEqual([1, 2, 3, 4, 5])
    expect(new Set(seen.map((e) => e.id)).size).toBe(5)
  })

  it('resumes after an abort from the last position it yielded: no gap, no repeat', async () => {
    await recordOrders(hub, 1, 7)
    const client = clientOf(hub)
    // Pages of 2, stopped in the middle of the second page.
    const before = await take((signal) => client.events.iterate({ signal, limit: 2 }), 3)
    const after = await take(
      (signal) => client.events.iterate({ signal, limit: 2, after: before.at(-1)!.position }),
      4,
    )
    expect(positions([...before, ...after])).toEqual([1, 2, 3, 4, 5, 6, 7])
    const feed = await client.events.list()
    expect([...before, ...after].map((e) => e.id)).toEqual(feed.events.map((e) => e.id))
  })

  it('waits out a hub it cannot reach and carries on where it was', async () => {
    await recordOrders(hub, 1, 2)
    await withCuttableLink(hub, async (client, cut) => {
      const seen = await take(
        (signal) => client.events.iterate({ signal, idleMs: 20 }),
        4,
        // Out of reach (connections refused) while new events are recorded.
        (taken) => taken.length === 2 && cut(() => recordOrders(hub, 3, 2)),
      )
      expect(positions(seen)).toEqual([1, 2, 3, 4])
    })
  })

  it('ends with a HubApiError when the hub refuses the request, instead of retrying it', async () => {
    const iteration = clientOf(hub).events.iterate({ types: ['ordr.*'] })
    await expect(iteration.next()).rejects.toMatchObject({ name: 'HubApiError', status: 400 })
  })

  it('ends quietly when its signal aborts while it waits for new events', async () => {
    const stop = new AbortController()
    const iteration = clientOf(hub).events.iterate({ signal: stop.signal, idleMs: 60_000 })
    const next = iteration.next()
    stop.abort()
    expect(await next).toEqual({ done: true, value: undefined })
  })
})
