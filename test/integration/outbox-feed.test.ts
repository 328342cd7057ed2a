// De-risks DESIGN.md §10 invariant 4: the feed never skips or reorders committed events, even when
// transactions commit in a different order than they started, and relay batches run concurrently.
import type { Kysely } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { appendEvents } from '../../src/outbox/append.js'
import { relayBatch } from '../../src/pipeline/relay.js'
import { returnedEvent } from '../helpers/feed-events.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'

const hub = useTestHub()
beforeEach(() => truncateAll(hub.deps))

const event = (n: number) => returnedEvent(n)

/** A transaction left open until the test commits it. */
async function openTransaction(): Promise<{ db: Kysely<Database>; commit(): Promise<void> }> {
  const trx = await hub.deps.db.startTransaction().execute()
  return { db: trx, commit: () => trx.commit().execute() }
}

async function readAfter(after: string) {
  const res = await hub.app.request(`/v1/events?after=${after}&limit=1000`, { headers: ADMIN })
  expect(res.status).toBe(200)
  return (await res.json()) as { events: Array<{ id: string; position: number }>; next: string }
}

describe('feed positions', () => {
  it('a reader never misses an event whose transaction started first but committed last', async () => {
    const early = await openTransaction()
    const late = await openTransaction()
    const first = event(1)
    const second = event(2)
    await appendEvents(early.db, [first]) // takes the lower insertion sequence
    await appendEvents(late.db, [second])
    await late.commit()

    await relayBatch(hub.deps)
    const page1 = await readAfter('0')
    expect(page1.events.map((e) => [e.id, e.position])).toEqual([[second.id, 1]])

    await early.commit()
    await relayBatch(hub.deps)
    const page2 = await readAfter(page1.next)
    expect(page2.events.map((e) => [e.id, e.position])).toEqual([[first.id, 2]])
  })

  it('under concurrent writers and relays, a polling reader sees every event once, gap-free', async () => {
    const written: string[] = []
    const writers = Array.from({ length: 12 }, async (_, w) => {
      for (let i = 0; i < 15; i++) {
        await hub.deps.db.transaction().execute(async (trx) => {
          const batch = [event(w * 100 + i * 2), event(w * 100 + i * 2 + 1)]
          await appendEvents(trx, batch)
          await new Promise((r) => setTimeout(r, Math.random() * 5)) // hold the transaction open
          written.push(...batch.map((e) => e.id))
        })
      }
    })
    let writing = true
    const relays = Array.from({ length: 3 }, async () => {
      while (writing) await relayBatch(hub.deps, 7)
    })
    const seen: Array<{ id: string; position: number }> = []
    let after = '0'
    const reader = (async () => {
      while (writing || seen.length < written.length) {
        const page = await readAfter(after)
        seen.push(...page.events)
        after = page.next
        if (!writing) await relayBatch(hub.deps, 50)
      }
    })()
    await Promise.all(writers)
    writing = false
    await Promise.all([...relays, reader])

    expect(seen).toHaveLength(written.length)
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(written))
    expect(seen.map((e) => e.position)).toEqual(seen.map((_, i) => i + 1))
  })

  it('the feed filters by type pattern and rejects an unknown one', async () => {
    await hub.deps.db.transaction().execute((trx) => appendEvents(trx, [event(1)]))
    await relayBatch(hub.deps)
    expect((await readAfter('0')).events).toHaveLength(1)
    const match = await hub.app.request('/v1/events?types=order.*', { headers: ADMIN })
    expect(((await match.json()) as { events: unknown[] }).events).toHaveLength(1)
    const none = await hub.app.request('/v1/events?types=order.created.v1', { headers: ADMIN })
    expect(((await none.json()) as { events: unknown[] }).events).toHaveLength(0)
    const typo = await hub.app.request('/v1/events?types=ordr.*', { headers: ADMIN })
    expect(typo.status).toBe(400)
    expect(await typo.json()).toMatchObject({
      problems: [expect.stringMatching(/matches no event type/)],
    })
  })

  it('moves a filtered reader past the events it does not want, up to the head', async () => {
    await hub.deps.db.transaction().execute((trx) => appendEvents(trx, [event(1), event(2)]))
    await relayBatch(hub.deps)
    const res = await hub.app.request('/v1/events?types=listing.*', { headers: ADMIN })
    expect(await res.json()).toEqual({ events: [], next: '2' })
    // A full page ends at its last event: what follows it may not have been read.
    const full = await hub.app.request('/v1/events?limit=1', { headers: ADMIN })
    expect(((await full.json()) as { next: string }).next).toBe('1')
  })
})
