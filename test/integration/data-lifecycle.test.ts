// De-risks the data lifecycle (issue #19): day partitions are kept ahead and dropped past their
// retention, never while they hold unfinished work, exported first when configured, without
// blocking intake; a webhook repeated on another day is still stored once; and the feed answers
// 410 Gone for positions retention dropped instead of skipping them (DESIGN.md §10 invariant 4).
// Time moves through an injected clock; each test but the feed's has a database of its own,
// because a run that drops partitions changes what every later write finds.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import type { Clock } from '../../src/clock.js'
import { createDb, createPool } from '../../src/db/client.js'
import { insertInboxBatch, type NewInboxRow } from '../../src/db/repos/inbox.js'
import {
  attachedPartitions,
  detachConcurrently,
  heldPartitions,
} from '../../src/db/repos/partitions.js'
import type { Database } from '../../src/db/schema.js'
import { createLogger } from '../../src/logger.js'
import { appendEvents } from '../../src/outbox/append.js'
import { runLifecycle, type LifecycleReport } from '../../src/pipeline/data-lifecycle.js'
import { admin } from '../global-setup.js'
import { publishEvents, returnedEvent } from '../helpers/feed-events.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'
import { databaseUrl } from '../services.js'

const hub = useTestHub()
const DAY = 86_400_000
const log = createLogger({ level: 'silent' })
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10)
const compact = (offset: number) => day(offset).replaceAll('-', '')
const daysOn = (offset: number): Clock => ({ now: () => new Date(Date.now() + offset * DAY) })

/** A migrated database of the test's own, dropped when `use` ends. */
async function withDatabase(use: (db: Kysely<Database>, url: string) => Promise<void>) {
  const name = `hub_t_${inject('runId')}_lc${randomBytes(4).toString('hex')}`
  await admin((c) => c.query(`create database ${name} template ${inject('pgTemplate')}`))
  const url = databaseUrl(name)
  const db = createDb(createPool({ url, poolMax: 4, connectTimeoutMs: 5_000 }))
  try {
    await use(db, url)
  } finally {
    await db.destroy()
    await admin((c) => c.query(`drop database if exists ${name} with (force)`))
  }
}

function lifecycle(db: Kysely<Database>, clock: Clock, exportDir?: string) {
  return runLifecycle({
    db,
    clock,
    log,
    config: {
      lifecycle: {
        retentionDays: { inbox: 30, outbox: 30, delivery: 30, stockPush: 30, audit: 365 },
        exportDir,
        replayWindowDays: 7,
      },
    },
  }) as Promise<LifecycleReport>
}

function message(dedupeKey: string, receivedAt: Date, failure?: string): NewInboxRow {
  return {
    channel: 'shopify',
    accountId: 'demo',
    dedupeKey,
    topic: 'orders/create',
    headers: {},
    rawBody: Buffer.from('{}'),
    channelTime: undefined,
    receivedAt,
    ...(failure ? { failure } : {}),
  }
}

async function partitionOf(db: Kysely<Database>, dedupeKey: string): Promise<string> {
  const { rows } = await sql<{ part: string }>`
    select tableoid::regclass::text as part from inbox_message where dedupe_key = ${dedupeKey}`.execute(
    db,
  )
  return rows[0]!.part
}

const count = async (db: Kysely<Database>, table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!
      .n,
  )

describe('partitions ahead', () => {
  it('attaches the coming days as the clock moves, moving rows the overflow caught into them', async () => {
    await withDatabase(async (db) => {
      await insertInboxBatch(db, [message('early', new Date(Date.now() + 9 * DAY))])
      expect(await partitionOf(db, 'early')).toBe('inbox_message_overflow')

      const report = await lifecycle(db, daysOn(3))
      for (const table of ['inbox_message', 'outbox_event', 'delivery', 'delivery_attempt'])
        for (const ahead of [8, 9, 10])
          expect(report.created).toContain(`${table}_p${compact(ahead)}`)
      expect(await partitionOf(db, 'early')).toBe(`inbox_message_p${compact(9)}`)
      const parts = await attachedPartitions(db, 'inbox_message')
      const overflow = parts.find((p) => p.name === 'inbox_message_overflow')!
      expect(overflow.from?.toISOString().slice(0, 10)).toBe(day(11))
      expect(report.overflowRows.inbox_message).toBe(0)
      expect(report.dropped).toEqual([])

      // Run again on the same day: nothing more to do.
      expect((await lifecycle(db, daysOn(3))).created).toEqual([])
    })
  })
})

describe('retention', () => {
  it('keeps a partition holding unfinished work, with its dedupe keys, and drops it (children first) once the work is done', async () => {
    await withDatabase(async (db) => {
      const now = new Date()
      await insertInboxBatch(db, [
        message('open', now),
        message('done', now, 'not a webhook'),
        message('kept', new Date(Date.now() + 3 * DAY), 'not a webhook'),
      ])
      // Search subjects go with their messages' partition, and only with it.
      await sql`insert into inbox_subject (inbox_id, kind, value)
                select id, 'sku', dedupe_key from inbox_message`.execute(db)

      const held = await lifecycle(db, daysOn(31))
      expect(held.held).toContain(`inbox_message_p${compact(0)}`)
      expect(held.dropped).not.toContain(`inbox_message_p${compact(0)}`)
      expect((await heldPartitions(db)).get('inbox_message')).toBe(1)
      // Its keys stay as long as its rows: the same webhook again is still a duplicate.
      expect(await count(db, 'inbox_dedupe')).toBe(3)
      expect(await insertInboxBatch(db, [message('open', new Date(Date.now() + DAY))])).toEqual([])
      // The tables without unfinished work went, children before parents.
      const order = ['delivery_attempt', 'delivery', 'outbox_event'].map((t) =>
        held.dropped.indexOf(`${t}_p${compact(0)}`),
      )
      expect(order.every((i) => i >= 0)).toBe(true)
      expect([...order].sort((a, b) => a - b)).toEqual(order)

      await db.updateTable('inbox_message').set({ status: 'normalized' }).execute()
      const dropped = await lifecycle(db, daysOn(31))
      expect(dropped.dropped).toContain(`inbox_message_p${compact(0)}`)
      expect(await heldPartitions(db)).toEqual(new Map())
      expect(await count(db, 'inbox_message')).toBe(1)
      expect(await count(db, 'inbox_dedupe')).toBe(1)
      expect(dropped.deleted.inbox_dedupe).toBe(2)
      const { rows: subjects } = await sql<{ value: string }>`
        select value from inbox_subject`.execute(db)
      expect(subjects).toEqual([{ value: 'kept' }])
    })
  })

  it('writes a partition to PARTITION_EXPORT_DIR, gzip-compressed JSON lines, before dropping it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-export-'))
    try {
      await withDatabase(async (db) => {
        const event = { ...returnedEvent(1), recordedAt: new Date().toISOString() }
        await db.transaction().execute((trx) => appendEvents(trx, [event]))
        await sql`select * from hub_publish_events(10)`.execute(db)

        const report = await lifecycle(db, daysOn(31), dir)
        const file = join(dir, `outbox_event_p${compact(0)}.jsonl.gz`)
        expect(report.exported).toContain(file)
        const lines = gunzipSync(await readFile(file))
          .toString()
          .trim()
          .split('\n')
        expect(lines.map((l) => JSON.parse(l) as { id: string; position: number })).toEqual([
          expect.objectContaining({ id: event.id, position: 1 }),
        ])
        expect(report.dropped).toContain(`outbox_event_p${compact(0)}`)
        const head = await db.selectFrom('feed_head').select('retained_from').executeTakeFirst()
        expect(head?.retained_from).toBe('2')
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('detaches without blocking intake: a webhook is stored while DETACH … CONCURRENTLY waits', async () => {
    await withDatabase(async (db, url) => {
      // An older transaction the detach must wait out, as a long read would in production.
      const reader = new pg.Client({ connectionString: url })
      await reader.connect()
      try {
        await reader.query('begin')
        await reader.query('select count(*) from inbox_message')
        const target = `inbox_message_p${compact(7)}`
        const detaching = detachConcurrently(db, 'inbox_message', target)
        // Read outside the reader's transaction, which keeps one snapshot of pg_stat_activity.
        const waiting = async () =>
          (
            await sql<{ n: string }>`select count(*) as n from pg_stat_activity
              where query ilike '%detach partition%concurrently%' and wait_event_type = 'Lock'`.execute(
              db,
            )
          ).rows[0]!.n === '1'
        for (let i = 0; i < 200 && !(await waiting()); i++)
          await new Promise((r) => setTimeout(r, 25))
        expect(await waiting()).toBe(true)

        const stored = await insertInboxBatch(db, [message('during-detach', new Date())])
        expect(stored).toHaveLength(1)
        // Stored while the detach was still under way.
        expect(await waiting()).toBe(true)

        await reader.query('commit')
        await detaching
        const names = (await attachedPartitions(db, 'inbox_message')).map((p) => p.name)
        expect(names).not.toContain(target)
      } finally {
        await reader.end()
      }
    })
  })
})

describe('dedupe across partitions', () => {
  it('stores a webhook once though its repeats arrive on other days, at once or later', async () => {
    await withDatabase(async (db) => {
      const today = new Date()
      const later = new Date(Date.now() + 2 * DAY)
      expect(await insertInboxBatch(db, [message('k1', today)])).toHaveLength(1)
      expect(await insertInboxBatch(db, [message('k1', later)])).toEqual([])
      // In one batch, and in two batches racing each other, on different days.
      expect(await insertInboxBatch(db, [message('k2', today), message('k2', later)])).toHaveLength(
        1,
      )
      const raced = await Promise.all([
        insertInboxBatch(db, [message('k3', today)]),
        insertInboxBatch(db, [message('k3', later)]),
      ])
      expect(raced.flat()).toHaveLength(1)
      const { rows } = await sql<{ key: string; n: string }>`
        select dedupe_key as key, count(*) as n from inbox_message group by 1 order by 1`.execute(
        db,
      )
      expect(rows).toEqual([
        { key: 'k1', n: '1' },
        { key: 'k2', n: '1' },
        { key: 'k3', n: '1' },
      ])
    })
  })
})

describe('the feed after a drop', () => {
  it('answers 410 Gone naming the oldest available position, for the feed, its stream and named consumers', async () => {
    await truncateAll(hub.deps)
    const at = (days: number) => new Date(Date.now() + days * DAY).toISOString()
    // Positions 1 and 2 today (dropped below), 3 and 4 in three days (kept).
    await publishEvents(
      hub.deps,
      [1, 2].map((n) => ({ ...returnedEvent(n), recordedAt: at(0) })),
    )
    await publishEvents(
      hub.deps,
      [3, 4].map((n) => ({ ...returnedEvent(n), recordedAt: at(3) })),
    )
    const consumer = await hub.app.request('/v1/consumers', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'behind', eventTypes: ['*'], startAt: 'beginning' }),
    })
    expect(consumer.status).toBe(201)

    const report = await lifecycle(hub.deps.db, daysOn(31))
    expect(report.dropped).toContain(`outbox_event_p${compact(0)}`)

    const get = (path: string, headers: Record<string, string> = {}) =>
      hub.app.request(path, { headers: { ...ADMIN, ...headers } })
    for (const res of [
      await get('/v1/events?after=0'),
      await get('/v1/events?after=1'),
      await get('/v1/events/stream?after=0'),
      await get('/v1/events/stream', { 'last-event-id': '1' }),
      await get('/v1/consumers/behind/events'),
      await get('/v1/consumers/behind/stream'),
    ]) {
      expect(res.status).toBe(410)
      const body = (await res.json()) as { error: string; oldest: number }
      expect(body.oldest).toBe(3)
      expect(body.error).toMatch(/oldest available position is 3/)
    }
    const resumed = await get('/v1/events?after=2')
    expect(resumed.status).toBe(200)
    const page = (await resumed.json()) as { events: { position: number }[] }
    expect(page.events.map((e) => e.position)).toEqual([3, 4])
  })
})
