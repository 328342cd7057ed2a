// De-risks named consumers (/v1/consumers): each keeps its own committed position and filter, so
// two consumers never affect each other; reads start after the committed position and never
// commit; commits only move forward, even when they race, and are refused (409, with the
// committed position) when behind and (400) beyond the feed's head; seek rewinds or skips; lag
// (events and seconds) shows in the view and in /metrics; a consumer's stream starts from its
// committed position; bad input gets a 400 naming it and changes nothing.
import { sql } from 'kysely'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { LAG_WINDOW_POSITIONS } from '../../src/db/repos/consumers.js'
import { openEventStream } from '../helpers/event-stream.js'
import { listingEvent, publishEvents, returnedEvent } from '../helpers/feed-events.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'
import { sample } from '../helpers/scrape.js'

const hub = useTestHub({ listen: true })
beforeEach(() => truncateAll(hub.deps))

interface ConsumerView {
  name: string
  eventTypes: string[]
  position: number
  committedAt: string | null
  createdAt: string
  lag: { events: number; seconds: number }
}

async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const res = await hub.app.request(`/v1/consumers${path}`, {
    method,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown }
}

async function create(
  name: string,
  eventTypes: string[],
  startAt?: unknown,
): Promise<ConsumerView> {
  const res = await call('POST', '', {
    name,
    eventTypes,
    ...(startAt === undefined ? {} : { startAt }),
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as ConsumerView
}

const show = async (name: string) => (await call('GET', `/${name}`)).body as ConsumerView

/** A view without the age of its lag, which grows while the test runs. */
const settled = (view: unknown) => {
  const v = view as ConsumerView
  return { ...v, lag: { events: v.lag.events } }
}
const commit = (name: string, position: number) => call('POST', `/${name}/commit`, { position })
const seek = (name: string, position: number) => call('POST', `/${name}/seek`, { position })

async function read(name: string, limit = 100) {
  const res = await call('GET', `/${name}/events?limit=${limit}`)
  expect(res.status).toBe(200)
  const page = res.body as { events: { position: number; type: string }[]; next: string }
  return { positions: page.events.map((e) => e.position), next: page.next }
}

/** Positions 1–5: order, listing, order, listing, order. */
const publishFive = () =>
  publishEvents(hub.deps, [
    returnedEvent(1),
    listingEvent(2),
    returnedEvent(3),
    listingEvent(4),
    returnedEvent(5),
  ])

describe('named consumers', () => {
  it('are created, listed, shown and deleted', async () => {
    await publishFive()
    const created = await create('oms-orders', ['order.*'])
    expect(created).toEqual({
      name: 'oms-orders',
      eventTypes: ['order.*'],
      position: 0,
      committedAt: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lag: { events: 3, seconds: expect.any(Number) },
    })
    await create('ops', ['*'], 'end')
    const list = (await call('GET', '')).body as { consumers: ConsumerView[] }
    expect(list.consumers.map((c) => [c.name, c.position])).toEqual([
      ['oms-orders', 0],
      ['ops', 5],
    ])
    expect(settled(await show('oms-orders'))).toEqual(settled(created))

    expect((await call('DELETE', '/oms-orders')).status).toBe(204)
    expect(await call('GET', '/oms-orders')).toEqual({
      status: 404,
      body: { error: 'no such consumer' },
    })
    expect((await call('DELETE', '/oms-orders')).status).toBe(404)
    expect((await show('ops')).position).toBe(5)
  })

  it('refuses a name that is taken with 409, leaving the consumer as it was', async () => {
    await publishFive()
    const first = await create('oms', ['order.*'], 2)
    const again = await call('POST', '', { name: 'oms', eventTypes: ['*'] })
    expect(again).toEqual({ status: 409, body: { error: 'a consumer named "oms" exists' } })
    expect(settled(await show('oms'))).toEqual(settled(first))
  })

  it.each([
    ['a name with capitals', { name: 'OMS', eventTypes: ['*'] }, /^body\.name: /],
    ['no event types', { name: 'oms', eventTypes: [] }, /^body\.eventTypes: list at least one/],
    [
      'an unknown type',
      { name: 'oms', eventTypes: ['ordr.*'] },
      /^body\.eventTypes\[0\]: "ordr\.\*" matches no event type/,
    ],
    [
      'a start beyond the head',
      { name: 'oms', eventTypes: ['*'], startAt: 6 },
      /^body\.startAt: position 6 is beyond the feed's head 5$/,
    ],
    ['an unknown start', { name: 'oms', eventTypes: ['*'], startAt: 'middle' }, /^body\.startAt: /],
    ['an unknown field', { name: 'oms', eventTypes: ['*'], group: 'x' }, /^body: /],
  ])('refuses %s with a 400 naming it, creating nothing', async (_, body, problem) => {
    await publishFive()
    const res = await call('POST', '', body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: 'invalid request',
      problems: [expect.stringMatching(problem)],
    })
    expect((await call('GET', '')).body).toEqual({ consumers: [] })
  })

  it('reads the events after its committed position that match its filter, without committing', async () => {
    await publishFive()
    await create('oms', ['order.*'])
    expect(await read('oms')).toEqual({ positions: [1, 3, 5], next: '5' })
    expect(await read('oms', 2)).toEqual({ positions: [1, 3], next: '3' })
    expect((await show('oms')).position).toBe(0)

    expect((await commit('oms', 3)).status).toBe(200)
    expect(await read('oms')).toEqual({ positions: [5], next: '5' })
    // Past events it does not want: `next` is the head, so committing it skips them for good.
    expect((await commit('oms', 5)).status).toBe(200)
    await publishEvents(hub.deps, [listingEvent(6)])
    expect(await read('oms')).toEqual({ positions: [], next: '6' })
  })

  it('commits forward, keeps an equal commit, refuses one behind (409) or beyond the head (400)', async () => {
    await publishFive()
    await create('oms', ['*'])
    const forward = await commit('oms', 3)
    expect(forward.status).toBe(200)
    const committed = forward.body as ConsumerView
    expect(committed).toMatchObject({ position: 3, committedAt: expect.any(String) })

    const same = await commit('oms', 3)
    expect(same.status).toBe(200)
    expect(settled(same.body)).toEqual(settled(committed))
    expect(await commit('oms', 2)).toEqual({
      status: 409,
      body: {
        error: 'position 2 is behind the committed position 3; seek to move back',
        position: 3,
      },
    })
    expect(await commit('oms', 6)).toEqual({
      status: 400,
      body: {
        error: 'invalid request',
        problems: ["body.position: position 6 is beyond the feed's head 5"],
      },
    })
    for (const position of [-1, 1.5, '4'])
      expect((await call('POST', '/oms/commit', { position })).body).toMatchObject({
        problems: [expect.stringMatching(/^body\.position: /)],
      })
    expect(settled(await show('oms'))).toEqual(settled(committed))
    expect((await commit('nobody', 1)).status).toBe(404)
  })

  it('never moves backwards when commits race', async () => {
    await publishEvents(
      hub.deps,
      Array.from({ length: 40 }, (_, i) => returnedEvent(i + 1)),
    )
    await create('oms', ['*'])
    const order = Array.from({ length: 40 }, (_, i) => i + 1).sort(() => Math.random() - 0.5)
    const answers = await Promise.all(order.map((position) => commit('oms', position)))
    for (const answer of answers) expect([200, 409]).toContain(answer.status)
    expect((await show('oms')).position).toBe(40)
  })

  it('seeks back or forward to any position up to the head', async () => {
    await publishFive()
    await create('oms', ['*'])
    await commit('oms', 4)
    const back = await seek('oms', 1)
    expect(back).toMatchObject({ status: 200, body: { position: 1 } })
    expect(await read('oms')).toEqual({ positions: [2, 3, 4, 5], next: '5' })
    expect(await seek('oms', 5)).toMatchObject({ status: 200, body: { position: 5 } })
    expect(await seek('oms', 6)).toEqual({
      status: 400,
      body: {
        error: 'invalid request',
        problems: ["body.position: position 6 is beyond the feed's head 5"],
      },
    })
    expect((await show('oms')).position).toBe(5)
    expect((await seek('nobody', 1)).status).toBe(404)
  })

  it('keeps two consumers apart: one commits, seeks and goes; the other is untouched', async () => {
    await publishFive()
    await create('a', ['order.*'])
    const b = await create('b', ['listing.*'])
    await commit('a', 5)
    await seek('a', 2)
    expect(settled(await show('b'))).toEqual(settled(b))
    expect(await read('b')).toEqual({ positions: [2, 4], next: '5' })
    await commit('b', 4)
    expect((await show('a')).position).toBe(2)
    await call('DELETE', '/a')
    expect((await show('b')).position).toBe(4)
  })

  it('shows its lag, in events and seconds, in the view and in /metrics', async () => {
    await publishFive()
    // As if the events had been published an hour ago.
    await sql`update outbox_event set published_at = now() - interval '1 hour'`.execute(hub.deps.db)
    await create('oms', ['order.*'])
    await create('caught-up', ['*'], 'end')

    const lag = (await show('oms')).lag
    expect(lag.events).toBe(3)
    expect(lag.seconds).toBeGreaterThanOrEqual(3600)
    expect((await show('caught-up')).lag).toEqual({ events: 0, seconds: 0 })

    const metrics = await (await hub.app.request('/metrics')).text()
    expect(sample(metrics, 'hub_consumer_lag_events{consumer="oms"}')).toBe(3)
    expect(sample(metrics, 'hub_consumer_lag_seconds{consumer="oms"}')).toBeGreaterThanOrEqual(3600)
    expect(sample(metrics, 'hub_consumer_lag_events{consumer="caught-up"}')).toBe(0)
    expect(sample(metrics, 'hub_consumer_lag_seconds{consumer="caught-up"}')).toBe(0)

    await commit('oms', 3)
    expect((await show('oms')).lag).toMatchObject({ events: 1 })
    await commit('oms', 5)
    expect((await show('oms')).lag).toEqual({ events: 0, seconds: 0 })
  })

  it(`counts lag over at most ${LAG_WINDOW_POSITIONS} positions past the committed one`, async () => {
    const total = LAG_WINDOW_POSITIONS + 10
    await sql`
      insert into outbox_event (id, type, channel, account_id, subject, occurred_at, recorded_at, envelope, position, published_at)
      select 'evt_lag_' || g, 'order.returned.v1', 'shopify', 'demo', 'order/' || g, now(), now(), '{}', g, now()
        from generate_series(1, ${total}) g`.execute(hub.deps.db)
    await sql`update feed_head set position = ${total}`.execute(hub.deps.db)
    await create('far-behind', ['*'])
    await create('near', ['*'], 10)
    expect((await show('far-behind')).lag.events).toBe(LAG_WINDOW_POSITIONS)
    expect((await show('near')).lag.events).toBe(LAG_WINDOW_POSITIONS)
  })

  it('streams from its committed position, or from Last-Event-ID, with its filter', async () => {
    await publishFive()
    await create('oms', ['order.*'])
    await commit('oms', 1)
    const fromCommit = await openEventStream(hub.url, '/v1/consumers/oms/stream')
    const fromHeader = await openEventStream(hub.url, '/v1/consumers/oms/stream', {
      'last-event-id': '3',
    })
    try {
      await publishEvents(hub.deps, [listingEvent(6), returnedEvent(7)])
      await vi.waitFor(() => expect(fromCommit.events.map((e) => e.id)).toEqual(['3', '5', '7']))
      await vi.waitFor(() => expect(fromHeader.events.map((e) => e.id)).toEqual(['5', '7']))
      // Streaming does not commit.
      expect((await show('oms')).position).toBe(1)
    } finally {
      fromCommit.close()
      fromHeader.close()
    }
  })

  it('refuses a stream for an unknown consumer (404) or a bad Last-Event-ID (400)', async () => {
    await publishFive()
    await create('oms', ['*'])
    const stream = (name: string, lastEventId: string) =>
      hub.app.request(`/v1/consumers/${name}/stream`, {
        headers: { ...ADMIN, 'last-event-id': lastEventId },
      })
    expect((await stream('nobody', '1')).status).toBe(404)
    for (const [id, problem] of [
      ['x', /^header\.last-event-id: must be a feed position/],
      ['9', /^header\.last-event-id: position 9 is beyond the feed's head 5$/],
    ] as const) {
      const res = await stream('oms', id)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({
        error: 'invalid request',
        problems: [expect.stringMatching(problem)],
      })
    }
  })

  it('refuses a malformed name in the path with a 400 naming it', async () => {
    const res = await call('GET', '/Not_Valid!')
    expect(res).toEqual({
      status: 400,
      body: { error: 'invalid request', problems: [expect.stringMatching(/^path\.name: /)] },
    })
  })
})
