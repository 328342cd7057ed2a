// De-risks the Server-Sent Events stream of the feed (GET /v1/events/stream): it delivers every
// event in position order with its position as the SSE id, resumes from Last-Event-ID or ?after
// without a gap or a repeat (DESIGN.md §10 invariant 4), keeps an idle connection alive with
// heartbeats, caps open streams per process and frees a slot when a client leaves, never reads
// the whole feed into memory for a client that stopped reading, refuses bad positions and types
// with a 400 naming them, and lets the hub shut down with streams open.
import { get, type IncomingMessage } from 'node:http'
import { createParser } from 'eventsource-parser'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { closeDeps, createDeps } from '../../src/deps.js'
import { createApp } from '../../src/http/app.js'
import { startHttp } from '../../src/http/server.js'
import { openEventStream, type EventStreamReader } from '../helpers/event-stream.js'
import { listingEvent, publishEvents, returnedEvent } from '../helpers/feed-events.js'
import { ADMIN, testConfig, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'
import { sample } from '../helpers/scrape.js'
import type { Deps } from '../../src/deps.js'

const MAX_STREAMS = 3
const hub = useTestHub({
  listen: true,
  env: { STREAM_HEARTBEAT_MS: '200', STREAM_MAX_CONNECTIONS: String(MAX_STREAMS) },
})

const OPEN = 'hub_event_streams_open'
const SENT = 'hub_event_stream_events_sent_total'
/** One of a process's own series; absent counts as 0. */
const metric = async (series: string, deps: Deps = hub.deps) =>
  sample(await deps.metrics.render(), series) ?? 0

/** Events the process's streams had sent once the count held still for a second: a stalled reader. */
async function sentOnceStalled(deps: Deps = hub.deps): Promise<number> {
  let previous = -1
  let still = 0
  await vi.waitFor(
    async () => {
      const now = await metric(SENT, deps)
      still = now === previous ? still + 1 : 0
      previous = now
      expect(still).toBeGreaterThanOrEqual(5)
    },
    { timeout: 30_000, interval: 200 },
  )
  return previous
}

// Every test starts from an empty feed with no stream of an earlier test still open.
beforeEach(async () => {
  await vi.waitFor(async () => expect(await metric(OPEN)).toBe(0), { timeout: 10_000 })
  await truncateAll(hub.deps)
})

const stream = (path: string, headers: Record<string, string> = {}) =>
  openEventStream(hub.url, path, headers)

async function received(reader: EventStreamReader, count: number): Promise<void> {
  await vi.waitFor(() => expect(reader.events.length).toBeGreaterThanOrEqual(count), {
    timeout: 10_000,
  })
}

const positions = (reader: EventStreamReader) => reader.events.map((e) => e.event.position)

describe('GET /v1/events/stream', () => {
  it('sends retry, then every event in position order with its position as id, then new ones', async () => {
    const first = Array.from({ length: 5 }, (_, i) => returnedEvent(i + 1))
    await publishEvents(hub.deps, first)
    const reader = await stream('/v1/events/stream')
    try {
      expect(reader.status).toBe(200)
      expect(reader.headers.get('content-type')).toMatch(/^text\/event-stream/)
      await received(reader, 5)
      const later = Array.from({ length: 3 }, (_, i) => returnedEvent(i + 6))
      await publishEvents(hub.deps, later)
      await received(reader, 8)
      expect(reader.retries).toEqual([2000])
      expect(reader.events.map((e) => [e.id, e.type, e.event.id])).toEqual(
        [...first, ...later].map((e, i) => [String(i + 1), 'order.returned.v1', e.id]),
      )
      expect(positions(reader)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    } finally {
      reader.close()
    }
  })

  it('filters by type, like the feed', async () => {
    await publishEvents(hub.deps, [returnedEvent(1), listingEvent(2), returnedEvent(3)])
    const reader = await stream('/v1/events/stream?types=listing.*')
    try {
      await received(reader, 1)
      await publishEvents(hub.deps, [returnedEvent(4), listingEvent(5)])
      await received(reader, 2)
      expect(reader.events.map((e) => [e.id, e.type])).toEqual([
        ['2', 'listing.status_changed.v1'],
        ['5', 'listing.status_changed.v1'],
      ])
    } finally {
      reader.close()
    }
  })

  it('resumed from Last-Event-ID (which wins over ?after) or ?after, neither skips nor repeats', async () => {
    const total = 60
    // Events are published while the reader disconnects and reconnects, again and again.
    const writer = (async () => {
      for (let n = 1; n <= total; n += 3)
        await publishEvents(hub.deps, [
          returnedEvent(n),
          returnedEvent(n + 1),
          returnedEvent(n + 2),
        ])
    })()
    const seen: number[] = []
    let last: string | undefined
    for (let round = 0; seen.length < total; round++) {
      // Alternate the two ways to resume; with the header, a stale ?after=0 must be ignored.
      const reader =
        last === undefined || round % 2 === 1
          ? await stream(`/v1/events/stream?after=${last ?? 0}`)
          : await stream('/v1/events/stream?after=0', { 'last-event-id': last })
      try {
        await received(reader, Math.min(1, total - seen.length))
      } finally {
        reader.close()
      }
      await reader.ended
      seen.push(...positions(reader))
      last = reader.events.at(-1)?.id ?? last
    }
    await writer
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1))
  })

  it('sends heartbeats while the feed is idle', async () => {
    const reader = await stream('/v1/events/stream')
    try {
      await vi.waitFor(() => expect(reader.comments.length).toBeGreaterThanOrEqual(2), {
        timeout: 10_000,
      })
      expect(new Set(reader.comments)).toEqual(new Set(['heartbeat']))
    } finally {
      reader.close()
    }
  })

  it(`refuses a stream beyond STREAM_MAX_CONNECTIONS with 503 and frees a slot when a client leaves`, async () => {
    const open = await Promise.all(
      Array.from({ length: MAX_STREAMS }, () => stream('/v1/events/stream')),
    )
    try {
      expect(open.map((r) => r.status)).toEqual(Array(MAX_STREAMS).fill(200))
      const refused = await stream('/v1/events/stream')
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('5')
      expect(refused.refusal).toEqual({
        error: `too many open streams (STREAM_MAX_CONNECTIONS=${MAX_STREAMS})`,
      })
      open.pop()!.close()
      await vi.waitFor(async () => expect(await metric(OPEN)).toBe(MAX_STREAMS - 1), {
        timeout: 10_000,
      })
      const again = await stream('/v1/events/stream')
      expect(again.status).toBe(200)
      open.push(again)
    } finally {
      for (const reader of open) reader.close()
    }
  })

  it('does not read the whole feed for a client that stops reading, and resumes when it reads again', async () => {
    const total = 2_000
    // About 20 MB of events: more than the socket buffers between the hub and the client hold.
    const pad = 'x'.repeat(10_000)
    await publishEvents(
      hub.deps,
      Array.from({ length: total }, (_, i) => returnedEvent(i + 1, pad)),
    )
    const sentBefore = await metric(SENT)
    const res = await stalledStream('/v1/events/stream')
    try {
      const stalledAt = (await sentOnceStalled()) - sentBefore
      expect(stalledAt).toBeGreaterThan(0)
      expect(stalledAt).toBeLessThan(total)

      const got: number[] = []
      const parser = createParser({
        onEvent: (e) => got.push((JSON.parse(e.data) as { position: number }).position),
      })
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => parser.feed(chunk))
      res.resume()
      await vi.waitFor(() => expect(got.length).toBe(total), { timeout: 30_000 })
      expect(got).toEqual(Array.from({ length: total }, (_, i) => i + 1))
      expect((await metric(SENT)) - sentBefore).toBe(total)
    } finally {
      res.destroy()
    }
  }, 60_000)

  it.each([
    [
      'a malformed Last-Event-ID',
      '/v1/events/stream',
      { 'last-event-id': 'abc' },
      /^header\.last-event-id: must be a feed position/,
    ],
    [
      'an ?after beyond the head',
      '/v1/events/stream?after=99',
      {},
      /^query\.after: position 99 is beyond the feed's head 1$/,
    ],
    [
      'a Last-Event-ID beyond the head',
      '/v1/events/stream',
      { 'last-event-id': '7' },
      /^header\.last-event-id: position 7 is beyond the feed's head 1$/,
    ],
    [
      'a malformed ?after',
      '/v1/events/stream?after=-1',
      {},
      /^query\.after: must be a feed position/,
    ],
    [
      'a type matching no event type',
      '/v1/events/stream?types=order.*,ordr.*',
      {},
      /^query\.types: "ordr\.\*" matches no event type/,
    ],
    [
      'an ?after beyond the head, on the feed',
      '/v1/events?after=2',
      {},
      /^query\.after: position 2 is beyond the feed's head 1$/,
    ],
  ])('refuses %s with a 400 naming it', async (_, path, headers, problem) => {
    await publishEvents(hub.deps, [returnedEvent(1)])
    const res = await hub.app.request(path, { headers: { ...ADMIN, ...headers } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid request',
      problems: [expect.stringMatching(problem)],
    })
  })

  it('ends open streams at shutdown, idle or stalled, so the server closes', async () => {
    const total = 1_000
    await publishEvents(
      hub.deps,
      Array.from({ length: total }, (_, i) => returnedEvent(i + 1, 'x'.repeat(20_000))),
    )
    const config = testConfig({
      DATABASE_URL: hub.config.db.url,
      QUEUE_PREFIX: hub.config.queues.prefix,
    })
    const deps = createDeps(config, { log: hub.deps.log })
    const server = await startHttp(createApp(deps), { host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${server.port}`
    const stalled = await stalledStream('/v1/events/stream', url)
    try {
      const idle = await openEventStream(url, `/v1/events/stream?after=${total}`)
      await vi.waitFor(() => expect(idle.retries).toEqual([2000]))
      expect(await sentOnceStalled(deps)).toBeLessThan(total)
      expect(await metric(OPEN, deps)).toBe(2)

      deps.streams.close()
      // Were a stream left open, this would wait for it until the test timed out.
      await server.close()
      expect(await idle.ended).toBe('closed')
      expect(await metric(OPEN, deps)).toBe(0)
      const refused = await openEventStream(url, '/v1/events/stream').catch((err: Error) => err)
      expect(refused).toBeInstanceOf(Error) // the server no longer listens
    } finally {
      stalled.destroy()
      await closeDeps(deps)
    }
  })
})

/** A stream whose reader reads the response head and then nothing. */
function stalledStream(path: string, baseUrl = hub.url): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(`${baseUrl}${path}`, { headers: ADMIN }, (res) => {
      res.pause()
      expect(res.statusCode).toBe(200)
      resolve(res)
    })
    req.on('error', reject)
  })
}
