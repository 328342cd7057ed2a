// De-risks the ledger's group commit (issue #12): adjustments and levels arriving together share one
// transaction and one lock per SKU, yet each is answered as if it had run alone, exactly once per
// key; a command PostgreSQL refuses fails only itself; nothing is answered before its batch commits;
// and each SKU gets one inventory.changed.v1 per batch, with a deterministic id.
import fc from 'fast-check'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { HubEvent } from '../../src/events/index.js'
import { eventId } from '../../src/outbox/event.js'
import {
  createInventoryWriter,
  postAdjustment,
  putInventoryLevel,
  type InventoryWriter,
} from '../../src/pipeline/inventory-commands.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { outboxEvents, truncateAll } from '../helpers/pipeline.js'

const hub = useTestHub()
let writer: InventoryWriter
beforeAll(() => {
  writer = createInventoryWriter(hub.deps)
})
beforeEach(() => truncateAll(hub.deps))

const T = (minute: number) => new Date(Date.parse('2026-11-01T10:00:00Z') + minute * 60_000)

const post = async (body: unknown) =>
  hub.app.request('/v1/inventory/adjustments', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const item = (sku: string) =>
  hub.deps.db
    .selectFrom('inventory_item')
    .selectAll()
    .where('sku', '=', sku)
    .executeTakeFirstOrThrow()

/** How many transactions wrote the SKU's adjustment rows (rows of one transaction share xmin). */
async function transactions(sku: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(distinct xmin::text) as n from inventory_adjustment where sku = ${sku}`.execute(
    hub.deps.db,
  )
  return Number(rows[0]!.n)
}

const changes = async (sku: string) =>
  (await outboxEvents(hub.deps)).filter(
    (e): e is Extract<HubEvent, { type: 'inventory.changed.v1' }> =>
      e.type === 'inventory.changed.v1' && e.data.sku === sku,
  )

const adjust = (idempotencyKey: string, sku: string, delta: number) =>
  writer.postAdjustment({ idempotencyKey, sku, delta, reason: null })

describe('a burst on one SKU over HTTP', () => {
  it('answers each of 300 concurrent adjustments 201 with its own running on-hand, in few transactions', async () => {
    await writer.putInventoryLevel({ sku: 'HOT', onHand: 1_000, asOf: T(0) })
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        post({ idempotencyKey: `b-${i}`, sku: 'HOT', delta: -1 }),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(300).fill(201))
    const after = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { onHandAfter: number }).onHandAfter),
    )
    // Every running value once: each adjustment saw every one applied before it, and no other.
    expect(after.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => 700 + i))
    expect(await item('HOT')).toMatchObject({ on_hand: 700, ats: 700 })
    const stored = await hub.deps.db
      .selectFrom('inventory_adjustment')
      .select(['on_hand_after'])
      .where('sku', '=', 'HOT')
      .execute()
    expect(stored.map((r) => r.on_hand_after).sort((a, b) => a - b)).toEqual(after)
    const batches = await transactions('HOT')
    expect(batches).toBeLessThan(30)
    // One event per SKU per batch (ats moved in every batch), plus the level's.
    expect(await changes('HOT')).toHaveLength(batches + 1)
  })

  it('answers the same key with another delta 409, whichever arrives first', async () => {
    const [a, b] = await Promise.all([
      post({ idempotencyKey: 'same', sku: 'S', delta: 2 }),
      post({ idempotencyKey: 'same', sku: 'S', delta: 3 }),
    ])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    expect([2, 3]).toContain((await item('S')).on_hand)
  })
})

describe('one batch', () => {
  it('applies the same key twice once: the second is a duplicate, or a conflict if it differs', async () => {
    const answers = await Promise.all([
      adjust('k1', 'A', 5),
      adjust('k2', 'A', 1),
      adjust('k1', 'A', 5),
      adjust('k2', 'A', 7),
      adjust('k1', 'B', 5),
    ])
    expect(answers).toEqual([
      { status: 'applied', onHandAfter: 5 },
      { status: 'applied', onHandAfter: 6 },
      { status: 'duplicate', onHandAfter: 5 },
      { status: 'conflict', existing: { sku: 'A', delta: 1 } },
      { status: 'conflict', existing: { sku: 'A', delta: 5 } },
    ])
    expect(await item('A')).toMatchObject({ on_hand: 6 })
    expect(await transactions('A')).toBe(1)
  })

  it('stores the right running on-hand when some keys were used by an earlier batch', async () => {
    await adjust('old', 'A', 10)
    const answers = await Promise.all([
      adjust('n1', 'A', 1),
      adjust('old', 'A', 10),
      adjust('n2', 'A', 2),
      adjust('old', 'A', 4),
    ])
    expect(answers).toEqual([
      { status: 'applied', onHandAfter: 11 },
      { status: 'duplicate', onHandAfter: 10 },
      { status: 'applied', onHandAfter: 13 },
      { status: 'conflict', existing: { sku: 'A', delta: 10 } },
    ])
    const rows = await hub.deps.db
      .selectFrom('inventory_adjustment')
      .select(['idempotency_key', 'on_hand_after'])
      .orderBy('idempotency_key')
      .execute()
    expect(rows).toEqual([
      { idempotency_key: 'n1', on_hand_after: 11 },
      { idempotency_key: 'n2', on_hand_after: 13 },
      { idempotency_key: 'old', on_hand_after: 10 },
    ])
  })

  it('keeps the as-of rule for levels mixed with adjustments, in submit order', async () => {
    await writer.putInventoryLevel({ sku: 'L', onHand: 100, asOf: T(10) })
    const answers = await Promise.all([
      adjust('a1', 'L', 5),
      writer.putInventoryLevel({ sku: 'L', onHand: 50, asOf: T(5) }),
      writer.putInventoryLevel({ sku: 'L', onHand: 20, asOf: T(20) }),
      adjust('a2', 'L', 1),
      writer.putInventoryLevel({ sku: 'L', onHand: 30, asOf: T(20) }),
      writer.putInventoryLevel({ sku: 'L', onHand: 40, asOf: T(15), safetyStock: 3 }),
    ])
    expect(answers).toEqual([
      { status: 'applied', onHandAfter: 105 },
      { applied: false, storedAsOf: T(10) },
      { applied: true },
      { status: 'applied', onHandAfter: 21 },
      { applied: false, storedAsOf: T(20) },
      { applied: false, storedAsOf: T(20) },
    ])
    expect(await item('L')).toMatchObject({
      on_hand: 21,
      on_hand_as_of: T(20),
      safety_stock: 3,
      ats: 18,
    })
    expect(await transactions('L')).toBe(1)
  })

  it('fails only the command PostgreSQL refuses; the others apply once', async () => {
    const answers = await Promise.allSettled([
      adjust('g1', 'P', 1),
      adjust('bad', 'P', 3_000_000_000), // out of range for an integer column
      adjust('g2', 'P', 1),
      adjust('g3', 'Q', 4),
    ])
    expect(answers.map((a) => a.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    expect(String((answers[1] as PromiseRejectedResult).reason)).toMatch(/out of range/)
    // Applied, not duplicate: the failed batch left nothing behind.
    expect(answers.filter((a) => a.status === 'fulfilled').map((a) => a.value)).toEqual([
      { status: 'applied', onHandAfter: 1 },
      { status: 'applied', onHandAfter: 2 },
      { status: 'applied', onHandAfter: 4 },
    ])
    expect(await item('P')).toMatchObject({ on_hand: 2 })
    const keys = await hub.deps.db
      .selectFrom('inventory_adjustment')
      .select('idempotency_key')
      .execute()
    expect(keys.map((k) => k.idempotency_key).sort()).toEqual(['g1', 'g2', 'g3'])
  })

  it('answers a command PostgreSQL refuses 422 and its neighbours 201', async () => {
    // Each delta is a valid integer, but BIG's on-hand would pass PostgreSQL's integer maximum.
    expect((await post({ idempotencyKey: 'fill', sku: 'BIG', delta: 2_147_483_000 })).status).toBe(
      201,
    )
    const answers = await Promise.all(
      ['ok-1', 'bad', 'ok-2'].map(async (key) => {
        const sku = key === 'bad' ? 'BIG' : 'H'
        const res = await post({ idempotencyKey: key, sku, delta: 1_000 })
        return { status: res.status, body: (await res.json()) as { error?: string } }
      }),
    )
    expect(answers.map((a) => a.status)).toEqual([201, 422, 201])
    expect(answers[1]!.body.error).toMatch(/^sku BIG: .*nothing was applied$/)
    expect(await item('H')).toMatchObject({ on_hand: 2_000 })
    expect(await item('BIG')).toMatchObject({ on_hand: 2_147_483_000 })
  })
})

type Step =
  | { kind: 'adjustment'; key: number; delta: number }
  | { kind: 'level'; onHand: number; minute: number; safetyStock: number | undefined }

const step: fc.Arbitrary<Step> = fc.oneof(
  // Few keys and deltas: keys recur within and across batches, as duplicates and as conflicts.
  fc.record({
    kind: fc.constant('adjustment' as const),
    key: fc.integer({ min: 0, max: 5 }),
    delta: fc.constantFrom(-3, -1, 2, 5),
  }),
  fc.record({
    kind: fc.constant('level' as const),
    onHand: fc.integer({ min: 0, max: 40 }),
    minute: fc.integer({ min: 0, max: 6 }),
    safetyStock: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  }),
)

describe('a batch decides as its commands one at a time would', () => {
  it('for random mixes of adjustments, reused keys and levels', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        async (batches) => {
          run++
          const grouped = `g${run}`
          const alone = `s${run}`
          const level = (s: Extract<Step, { kind: 'level' }>, sku: string) => ({
            sku,
            onHand: s.onHand,
            asOf: T(s.minute),
            ...(s.safetyStock !== undefined ? { safetyStock: s.safetyStock } : {}),
          })
          const adjustment = (s: Extract<Step, { kind: 'adjustment' }>, sku: string) => ({
            idempotencyKey: `${sku}-k${s.key}`,
            sku,
            delta: s.delta,
            reason: null,
          })
          const together: unknown[] = []
          for (const batch of batches)
            together.push(
              ...(await Promise.all(
                batch.map((s) =>
                  s.kind === 'level'
                    ? writer.putInventoryLevel(level(s, grouped))
                    : writer.postAdjustment(adjustment(s, grouped)),
                ),
              )),
            )
          const oneByOne: unknown[] = []
          for (const s of batches.flat())
            oneByOne.push(
              s.kind === 'level'
                ? await putInventoryLevel(hub.deps, level(s, alone))
                : await postAdjustment(hub.deps, adjustment(s, alone)),
            )
          expect(JSON.parse(JSON.stringify(together).replaceAll(grouped, alone))).toEqual(
            JSON.parse(JSON.stringify(oneByOne)),
          )
          const state = async (sku: string) => {
            const row = await hub.deps.db
              .selectFrom('inventory_item')
              .select(['on_hand', 'on_hand_as_of', 'safety_stock', 'ats'])
              .where('sku', '=', sku)
              .executeTakeFirstOrThrow()
            const stored = await hub.deps.db
              .selectFrom('inventory_adjustment')
              .select(['idempotency_key', 'delta', 'on_hand_after'])
              .where('sku', '=', sku)
              .orderBy('idempotency_key')
              .execute()
            const keys = stored.map((r) => ({
              ...r,
              idempotency_key: r.idempotency_key.slice(sku.length),
            }))
            return { row, keys }
          }
          expect(await state(grouped)).toEqual(await state(alone))
        },
      ),
      { numRuns: 30 },
    )
  })
})

describe('events', () => {
  it('appends one inventory.changed.v1 per SKU per batch, caused by its last applied command', async () => {
    await writer.putInventoryLevel({ sku: 'E', onHand: 50, asOf: T(0) })
    await writer.putInventoryLevel({ sku: 'F', onHand: 50, asOf: T(0) })
    const before = await outboxEvents(hub.deps)
    await Promise.all([
      adjust('e1', 'E', -1),
      adjust('f1', 'F', -2),
      adjust('e2', 'E', -3),
      adjust('e1', 'E', -1), // a duplicate changes nothing, so it causes nothing
    ])
    const added = (await outboxEvents(hub.deps)).slice(before.length)
    expect(added.map((e) => [e.subject, e.data])).toEqual([
      [
        'sku/E',
        {
          sku: 'E',
          onHand: 46,
          reserved: 0,
          safetyStock: 0,
          ats: 46,
          previousAts: 50,
          cause: { kind: 'adjustment', reference: 'e2', channel: null, account: null },
        },
      ],
      [
        'sku/F',
        expect.objectContaining({
          ats: 48,
          previousAts: 50,
          cause: expect.objectContaining({ reference: 'f1' }),
        }),
      ],
    ])
    // The id is the last command's, which applies once: a retry cannot add a second event.
    expect(added[0]!.id).toBe(
      eventId({ channel: 'hub', accountId: 'inventory' }, 'adjustment', 'e2', '0'),
    )
    await Promise.all([adjust('e1', 'E', -1), adjust('e2', 'E', -3)])
    expect(await outboxEvents(hub.deps)).toHaveLength(before.length + 2)
  })
})

describe('nothing is answered before commit', () => {
  const locker = () => new pg.Client({ connectionString: hub.config.db.url })
  let holder: pg.Client | undefined
  afterAll(() => holder?.end())

  it('holds every answer while the batch waits, and a killed batch commits nothing', async () => {
    await adjust('seed', 'W', 10)
    holder = locker()
    await holder.connect()
    await holder.query('begin')
    await holder.query(`select 1 from inventory_item where sku = 'W' for update`)
    const settled: string[] = []
    const pending = ['w1', 'w2', 'w3'].map((k) =>
      adjust(k, 'W', 1).then(
        (out) => void settled.push(`${k}:${out.status}`),
        (err: unknown) => void settled.push(`${k}:${String(err)}`),
      ),
    )
    await new Promise((r) => setTimeout(r, 300))
    expect(settled).toEqual([])
    // Kill the batch's connection while it waits for the lock: its transaction dies uncommitted;
    // the commands are retried one by one and each applies once.
    const { rows } = await holder.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 100))
    await holder.query('commit')
    await Promise.all(pending)
    expect(settled.sort()).toEqual(['w1:applied', 'w2:applied', 'w3:applied'])
    expect(await item('W')).toMatchObject({ on_hand: 13 })
  })
})
