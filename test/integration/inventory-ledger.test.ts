// DESIGN.md §10 invariant 5 and the ledger's own rules (§6), as properties over random histories:
// orders placed, cancelled and fulfilled, on-hand levels counted, with every snapshot possibly
// delivered twice, late, or concurrently with others. Applied through the real ledger code on real
// Postgres; pushes go through the real TikTok Shop client to the marketplace emulator over HTTP.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import type { OrderSnapshot } from '../../src/events/index.js'
import { sumReservations } from '../../src/db/repos/inventory.js'
import { settleChangedSkus } from '../../src/inventory/settle-changes.js'
import { listedQuantity, type StockPolicy } from '../../src/inventory/policy.js'
import { applyOrderSnapshot } from '../../src/orders/apply.js'
import { putInventoryLevel, putListings } from '../../src/pipeline/inventory-commands.js'
import { pushListingStock } from '../../src/pipeline/push-stock.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import { useTestHub } from '../helpers/hub.js'
import { useEmulator } from '../helpers/emulated-channel.js'

const POLICY: StockPolicy = { percentage: 80, buffer: 2, zeroBelow: 3, maxListed: 40 }
const SAFETY = 1

const emulator = useEmulator()
const hub = useTestHub({
  accounts: () =>
    sandboxAccounts(emulator.url)
      .filter((a) => a.channel === 'tiktok-shop')
      .map((a) => ({ ...a, stock: { policy: POLICY } })),
})

const T0 = Date.parse('2026-11-01T10:00:00Z')
const at = (minute: number) => new Date(T0 + minute * 60_000)

type Step =
  | {
      kind: 'order'
      order: number
      qty: number
      minute: number
      fate: 'open' | 'cancel' | 'fulfil'
      fateMinute: number
    }
  | { kind: 'level'; onHand: number; minute: number }

/** Every snapshot an order goes through, newest last. */
function snapshots(run: string, s: Extract<Step, { kind: 'order' }>): OrderSnapshot[] {
  const base = (
    status: OrderSnapshot['status'],
    minute: number,
    fulfilled: number,
  ): OrderSnapshot => ({
    externalId: `${run}-o${s.order}`,
    number: null,
    status,
    paymentStatus: 'paid',
    channelStatus: {},
    placedAt: at(s.minute).toISOString(),
    updatedAt: at(minute).toISOString(),
    currency: 'USD',
    totals: {
      subtotal: { amountMinor: 0, currency: 'USD' },
      discount: { amountMinor: 0, currency: 'USD' },
      shipping: { amountMinor: 0, currency: 'USD' },
      tax: { amountMinor: 0, currency: 'USD' },
      total: { amountMinor: 0, currency: 'USD' },
      taxesIncluded: false,
    },
    lines: [
      {
        externalLineId: '1',
        sku: `${run}-sku`,
        title: 'thing',
        quantity: s.qty,
        quantityFulfilled: fulfilled,
        unitPrice: { amountMinor: 0, currency: 'USD' },
        discount: { amountMinor: 0, currency: 'USD' },
        total: { amountMinor: 0, currency: 'USD' },
      },
    ],
    customerEmail: null,
    shippingAddress: null,
    cancelReason: null,
  })
  const placed = base('awaiting_fulfillment', s.minute, 0)
  if (s.fate === 'open') return [placed]
  const later = s.minute + s.fateMinute
  return [
    placed,
    s.fate === 'cancel' ? base('cancelled', later, 0) : base('fulfilled', later, s.qty),
  ]
}

/** What the ledger must hold after the history, computed from the history alone. */
function expected(steps: readonly Step[]): { onHand: number; reserved: number; ats: number } {
  const levels = steps.filter((s): s is Extract<Step, { kind: 'level' }> => s.kind === 'level')
  const newest = levels.reduce<(typeof levels)[number] | undefined>(
    (a, b) => (!a || b.minute > a.minute ? b : a),
    undefined,
  )
  const asOf = newest ? newest.minute : -Infinity
  let reserved = 0
  for (const s of steps) {
    if (s.kind !== 'order') continue
    if (s.fate === 'open') reserved += s.qty
    // Shipped units count until a level counted after the shipment arrives.
    if (s.fate === 'fulfil' && !(asOf > s.minute + s.fateMinute)) reserved += s.qty
  }
  const onHand = newest?.onHand ?? 0
  return { onHand, reserved, ats: Math.max(0, onHand - reserved - SAFETY) }
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    order: fc.nat(),
    qty: fc.integer({ min: 1, max: 5 }),
    minute: fc.integer({ min: 0, max: 100 }),
    fate: fc.constantFrom('open' as const, 'cancel' as const, 'fulfil' as const),
    fateMinute: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    kind: fc.constant('level' as const),
    onHand: fc.integer({ min: 0, max: 60 }),
    minute: fc.integer({ min: 0, max: 130 }),
  }),
)

let runs = 0

describe('the inventory ledger under random histories', () => {
  it('keeps ats ≥ 0, reserved = live reservations, and never pushes more than policy(ats)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(step, {
          minLength: 1,
          maxLength: 14,
          // One order id per order, one level per minute: the history is well defined.
          selector: (s) => (s.kind === 'order' ? `o${s.order}` : `l${s.minute}`),
        }),
        // Each delivery: which snapshot, how many copies, and in which concurrent batch.
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })), { maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.nat()),
        async (steps, extra, batchSize, shuffleSeed) => {
          const run = `r${++runs}`
          const sku = `${run}-sku`
          const key = { channel: 'tiktok-shop' as const, accountId: 'demo' }
          // Every snapshot and level at least once, some again, in a shuffled order.
          const deliveries: (() => Promise<unknown>)[] = []
          for (const s of steps) {
            if (s.kind === 'level')
              deliveries.push(() =>
                putInventoryLevel(hub.deps, {
                  sku,
                  onHand: s.onHand,
                  asOf: at(s.minute),
                  safetyStock: SAFETY,
                }),
              )
            else
              for (const snap of snapshots(run, s))
                deliveries.push(() =>
                  hub.deps.db
                    .transaction()
                    .execute((trx) =>
                      applyOrderSnapshot(trx, { ...key, externalId: snap.externalId }, snap, '0'),
                    ),
                )
          }
          for (const [i, copies] of extra)
            for (let c = 0; c < copies; c++) deliveries.push(deliveries[i % deliveries.length]!)
          const order = deliveries.map((d, i) => ({ d, k: shuffleSeed.next().value * 1000 + i }))
          order.sort((a, b) => a.k - b.k)

          const listed = await putListings(hub.deps, [
            {
              sku,
              channel: 'tiktok-shop',
              account: 'demo',
              unit: tiktokShopEmulator.listingUnit(sku),
              // The whole ats after policy, pushed as it is when the push runs (the partitioned
              // allocation's own invariants are tested in src/inventory/allocation.*.test.ts).
              policy: { allocation: 'shared' },
            },
          ])
          if (!listed.ok) throw new Error(listed.problems.join('; '))
          const listingId = listed.ids[0]!
          const push = async () => {
            expect(await pushListingStock(hub.deps, listingId, `p-${run}`)).toEqual({
              kind: 'done',
            })
            const item = await hub.deps.db
              .selectFrom('inventory_item')
              .select('ats')
              .where('sku', '=', sku)
              .executeTakeFirst()
            const offered = emulator.state('tiktok-shop').stock.get(sku) ?? 0
            expect(offered).toBe(listedQuantity(item?.ats ?? 0, POLICY))
          }

          for (let i = 0; i < order.length; i += batchSize) {
            await Promise.all(order.slice(i, i + batchSize).map((o) => o.d()))
            await settleChangedSkus(hub.deps)
            const item = await hub.deps.db
              .selectFrom('inventory_item')
              .selectAll()
              .where('sku', '=', sku)
              .executeTakeFirst()
            if (item) {
              expect(item.ats).toBeGreaterThanOrEqual(0)
              expect(item.reserved).toBe(await sumReservations(hub.deps.db, sku))
              expect(item.ats).toBe(Math.max(0, item.on_hand - item.reserved - item.safety_stock))
            }
            // A push midway and at the end: each must send policy(ats) as it is when it runs.
            if (i === batchSize * Math.floor(order.length / batchSize / 2)) await push()
          }
          await push()
          const item = await hub.deps.db
            .selectFrom('inventory_item')
            .selectAll()
            .where('sku', '=', sku)
            .executeTakeFirstOrThrow()
          const want = expected(steps)
          // An order alone creates the item at on-hand 0 with safety stock 0, until a level arrives.
          const safety = steps.some((s) => s.kind === 'level') ? SAFETY : 0
          expect({ onHand: item.on_hand, reserved: item.reserved, ats: item.ats }).toEqual({
            ...want,
            ats: Math.max(0, want.onHand - want.reserved - safety),
          })
        },
      ),
      { numRuns: 40 },
    )
  })
})
