// The whole-catalog figure (issue 15): a warehouse recount of a catalog of SKUs each listed on all
// four channels, until every listing is final, with the channel calls it took and, per channel,
// the least time the channel's limits allow (catalog-floors.ts) beside the time measured. The hub
// runs in this process against the marketplace emulator (in-process-hub.ts); the recount is sent
// as a warehouse would send it, in `PUT /v1/inventory` requests of many SKUs' levels.
import { sql } from 'kysely'
import { CHANNEL_IDS, type ChannelId } from '../src/events/index.js'
import { emulatedChannels } from '../src/sandbox/channels.js'
import type { ArrivedRequest } from '../src/sandbox/faults.js'
import { FLOORS, type Floor } from './catalog-floors.js'
import { startInProcessHub, type InProcessHub } from './in-process-hub.js'
import { fixed, n, table, verdict } from './report-format.js'

/** Issue 15: every channel within this many times its floor. */
export const CATALOG_TARGET_RATIO = 1.2

export interface CatalogSettings {
  readonly skus: number
  /** SKUs per product: TikTok's bulk call takes one product's SKUs. */
  readonly variantsPerProduct: number
  /** Levels per recount request (sent one after another). */
  readonly levelsPerRequest: number
}

export interface CatalogChannelResult {
  readonly channel: ChannelId
  /** Every API request the channel received during the recount. */
  readonly calls: number
  /** Calls that wrote more than one listing: a multi-item mutation, or a feed submitted. */
  readonly bulkCalls: number
  /** Listings written by bulk calls, and by single-item writes. */
  readonly bulkItems: number
  readonly singleWrites: number
  /** Reads, feed documents and status polls, tokens. */
  readonly otherCalls: number
  /** Stock levels the channel applied. */
  readonly stockWrites: number
  /** From the first recount request to the hub's record of this channel's last confirmed push. */
  readonly finalMs: number
  /** From the first recount request to the channel's last change of a listing's quantity. */
  readonly channelShowsMs: number
  readonly floor: Floor
  /** finalMs ÷ floor. */
  readonly ratio: number
  /** Requests by method and path (ids replaced), for the report's paragraph on where time goes. */
  readonly routes: Readonly<Record<string, number>>
}

export interface CatalogResult {
  readonly settings: CatalogSettings
  /** Listing creation and the hub's first (held) pass over them, before the recount. */
  readonly setupMs: number
  /** How long the recount's requests took to be accepted. */
  readonly submitMs: number
  readonly channels: readonly CatalogChannelResult[]
}

/** `CAT-00042/3`: SKU 3 of product CAT-00042 (the emulated TikTok groups SKUs by the part before `/`). */
const skuOf = (i: number, perProduct: number) =>
  `CAT-${String(Math.floor(i / perProduct)).padStart(5, '0')}/${i % perProduct}`

/** A recount figure per SKU: 40-100 units, so each of four partitioned listings gets 10-25. */
const onHandOf = (i: number) => 40 + ((i * 37) % 61)

export async function measureCatalog(settings: CatalogSettings): Promise<CatalogResult> {
  const hub = await startInProcessHub('catalog')
  try {
    return await recount(hub, settings)
  } finally {
    await hub.close()
  }
}

async function recount(hub: InProcessHub, settings: CatalogSettings): Promise<CatalogResult> {
  const { emulator, deps, admin } = hub
  const skus = Array.from({ length: settings.skus }, (_, i) =>
    skuOf(i, settings.variantsPerProduct),
  )
  const setupStarted = performance.now()
  // The emulated Amazon and Walmart feeds refuse a SKU the seller does not list (their single
  // writes list it): list every SKU on every channel first, with nothing in stock.
  for (const channel of CHANNEL_IDS)
    for (const sku of skus) emulator.state(channel).stock.set(sku, 0)
  // At most 10,000 rows per PUT /v1/listings.
  const perRequest = Math.floor(10_000 / CHANNEL_IDS.length)
  for (let i = 0; i < skus.length; i += perRequest) {
    await admin('PUT', '/v1/listings', {
      listings: skus.slice(i, i + perRequest).flatMap((sku) =>
        CHANNEL_IDS.map((channel) => ({
          sku,
          channel,
          account: 'demo',
          unit: emulatedChannels[channel].listingUnit(sku),
        })),
      ),
    })
  }
  // New listings are queued for a push that holds them (their on-hand is unknown): let that pass.
  await until(() => queuesIdle(hub), 600_000, 'the held pushes of the new listings')
  const setupMs = performance.now() - setupStarted
  process.stdout.write(`  catalog: ${n(skus.length)} SKUs listed on 4 channels in ${s(setupMs)}\n`)

  const tally = new Map(CHANNEL_IDS.map((c) => [c, newTally()]))
  const statsBefore = new Map(CHANNEL_IDS.map((c) => [c, { ...emulator.state(c).stats }]))
  for (const c of CHANNEL_IDS) emulator.state(c).requests.splice(0)
  const lastShown = new Map(CHANNEL_IDS.map((c) => [c, new Map(emulator.state(c).stock)]))
  const channelChangedAt = new Map<ChannelId, number>(CHANNEL_IDS.map((c) => [c, 0]))

  // The measurement starts as the first recount request is sent: accepting the recount is part of
  // the time a retailer waits (the requests come from this process, which costs the hub CPU).
  const t0 = Date.now()
  const started = performance.now()
  const submitting = (async () => {
    const asOf = new Date().toISOString()
    for (let i = 0; i < skus.length; i += settings.levelsPerRequest) {
      const levels = skus
        .slice(i, i + settings.levelsPerRequest)
        .map((sku, k) => ({ sku, onHand: onHandOf(i + k), asOf }))
      await admin('PUT', '/v1/inventory', { levels })
    }
    return performance.now() - started
  })()

  /** Takes the emulator's request logs and notes when each channel last changed a quantity. */
  const observe = () => {
    const now = performance.now() - started
    for (const c of CHANNEL_IDS) {
      const state = emulator.state(c)
      for (const r of state.requests.splice(0)) classify(c, r, tally.get(c)!)
      const shown = lastShown.get(c)!
      for (const [sku, q] of state.stock) {
        if (shown.get(sku) !== q) {
          shown.set(sku, q)
          channelChangedAt.set(c, now)
        }
      }
    }
  }
  const watcher = setInterval(observe, 100)
  let submitMs: number
  try {
    submitMs = await submitting
    process.stdout.write(
      `  catalog: recount of ${n(skus.length)} SKUs accepted in ${s(submitMs)}\n`,
    )
    let lastLine = 0
    await until(
      async () => {
        const done = await confirmed(hub, new Date(t0))
        if (performance.now() - lastLine > 10_000) {
          lastLine = performance.now()
          const line = CHANNEL_IDS.map((c) => `${c} ${n(done.get(c) ?? 0)}`).join(', ')
          process.stdout.write(`  catalog: ${s(lastLine - started)}: confirmed ${line}\n`)
        }
        return CHANNEL_IDS.every((c) => done.get(c) === skus.length) && (await queuesIdle(hub))
      },
      30 * 60_000,
      'the recount',
      500,
    )
  } finally {
    clearInterval(watcher)
  }
  observe()

  const rows = await deps.db
    .selectFrom('listing')
    .select(['channel', 'sku', 'last_pushed_quantity', 'last_pushed_at'])
    .execute()
  const problems: string[] = []
  const lastAt = new Map<ChannelId, number>()
  const sums = new Map<string, number>()
  for (const r of rows) {
    const shows = emulator.state(r.channel).stock.get(r.sku)
    if (shows !== r.last_pushed_quantity)
      problems.push(`${r.channel} ${r.sku}: hub pushed ${r.last_pushed_quantity}, shows ${shows}`)
    const at = r.last_pushed_at?.getTime() ?? 0
    if (at > (lastAt.get(r.channel) ?? 0)) lastAt.set(r.channel, at)
    sums.set(r.sku, (sums.get(r.sku) ?? 0) + (r.last_pushed_quantity ?? 0))
  }
  skus.forEach((sku, i) => {
    if ((sums.get(sku) ?? 0) > onHandOf(i))
      problems.push(`${sku}: the channels list ${sums.get(sku)}, above its on-hand ${onHandOf(i)}`)
  })
  if (problems.length > 0) {
    throw new Error(
      `catalog: ${problems.length} listings wrong, e.g. ${problems.slice(0, 5).join('; ')}`,
    )
  }

  const shape = { items: skus.length, variantsPerProduct: settings.variantsPerProduct }
  return {
    settings,
    setupMs,
    submitMs,
    channels: CHANNEL_IDS.map((channel) => {
      const t = tally.get(channel)!
      const stats = emulator.state(channel).stats
      const before = statsBefore.get(channel)!
      const floor = FLOORS[channel](shape)
      const finalMs = (lastAt.get(channel) ?? t0) - t0
      return {
        channel,
        calls: stats.calls - before.calls,
        bulkCalls: t.bulkCalls,
        bulkItems: t.bulkItems,
        singleWrites: t.singleWrites,
        otherCalls: t.other,
        stockWrites: stats.stockWrites - before.stockWrites,
        finalMs,
        channelShowsMs: channelChangedAt.get(channel)!,
        floor,
        ratio: finalMs / floor.ms,
        routes: Object.fromEntries(t.routes),
      }
    }),
  }
}

/** Listings per channel whose push since `since` is confirmed (nothing in flight). */
async function confirmed(hub: InProcessHub, since: Date): Promise<Map<ChannelId, number>> {
  const rows = await hub.deps.db
    .selectFrom('listing')
    .select([
      'channel',
      sql<string>`count(*) filter (where last_pushed_at >= ${since} and inflight_quantity is null)`.as(
        'done',
      ),
    ])
    .groupBy('channel')
    .execute()
  return new Map(rows.map((r) => [r.channel, Number(r.done)]))
}

async function queuesIdle(hub: InProcessHub): Promise<boolean> {
  for (const queue of hub.deps.queues.stock.all) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
    if (Object.values(counts).some((v) => v > 0)) return false
  }
  return true
}

async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`catalog: ${what} did not finish in ${s(timeoutMs)}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

interface Tally {
  bulkCalls: number
  bulkItems: number
  singleWrites: number
  other: number
  readonly routes: Map<string, number>
}
const newTally = (): Tally => ({
  bulkCalls: 0,
  bulkItems: 0,
  singleWrites: 0,
  other: 0,
  routes: new Map(),
})

/**
 * Counts one request the channel received: a stock write of one listing or of many, or another
 * call. Shopify's and TikTok's bulk calls are their single write with more items; Amazon's and
 * Walmart's are a feed's submission (its document upload, status reads and report are "other").
 */
function classify(channel: ChannelId, r: ArrivedRequest, t: Tally): void {
  const route = `${r.method} ${r.path.replace(/\/[^/]*\d[^/]*/g, '/{id}')}`
  t.routes.set(route, (t.routes.get(route) ?? 0) + 1)
  const items = writtenItems(channel, r)
  if (items === undefined) t.other += 1
  else if (items === 'feed' || items > 1) {
    t.bulkCalls += 1
    if (items !== 'feed') t.bulkItems += items
  } else t.singleWrites += 1
}

function writtenItems(channel: ChannelId, r: ArrivedRequest): number | 'feed' | undefined {
  const json = () => {
    try {
      return JSON.parse(r.body) as Record<string, unknown>
    } catch {
      return {}
    }
  }
  switch (channel) {
    case 'shopify': {
      if (!r.body.includes('inventorySetQuantities')) return undefined
      const vars = json().variables as { input?: { quantities?: unknown[] } } | undefined
      return vars?.input?.quantities?.length ?? 1
    }
    case 'tiktok-shop':
      if (!r.path.endsWith('/inventory/update')) return undefined
      return (json().skus as unknown[] | undefined)?.length ?? 1
    case 'amazon':
      if (r.method === 'PATCH' && r.path.includes('/listings/')) return 1
      return r.method === 'POST' && r.path.endsWith('/feeds/2021-06-30/feeds') ? 'feed' : undefined
    case 'walmart':
      if (r.method === 'PUT' && r.path.startsWith('/v3/inventory')) return 1
      return r.method === 'POST' && r.path.startsWith('/v3/feeds') ? 'feed' : undefined
  }
}

/** Feed items are the stock writes less the single ones (a feed's report is not counted). */
const itemsInBulk = (c: CatalogChannelResult) =>
  c.bulkItems > 0 ? c.bulkItems : c.stockWrites - c.singleWrites

export function formatCatalog(r: CatalogResult): string[] {
  const { skus, variantsPerProduct, levelsPerRequest } = r.settings
  return [
    `Whole-catalog recount (issue 15): ${n(skus)} SKUs (${variantsPerProduct} per product) listed on all four emulated channels,`,
    `  PUT /v1/inventory with ${n(levelsPerRequest)} levels per request, partitioned allocation; time from the first request`,
    `  to the hub's record of the channel's last confirmed push. Recount accepted in ${s(r.submitMs)}; setup ${s(r.setupMs)}.`,
    table(
      [
        'channel',
        'calls',
        'bulk',
        'items in bulk',
        'single writes',
        'other',
        'writes',
        'channel shows',
        'final',
        'floor',
        'ratio',
        `≤ ${CATALOG_TARGET_RATIO}`,
      ],
      r.channels.map((c) => [
        c.channel,
        c.calls,
        c.bulkCalls,
        itemsInBulk(c),
        c.singleWrites,
        c.otherCalls,
        c.stockWrites,
        s(c.channelShowsMs),
        s(c.finalMs),
        s(c.floor.ms),
        `${fixed(c.ratio, 2)}×`,
        verdict(c.ratio <= CATALOG_TARGET_RATIO),
      ]),
    ),
    ...r.channels.map(
      (c) =>
        `  ${c.channel} floor: ${c.floor.why}` +
        (c.floor.withoutPollMs === undefined
          ? ''
          : `; ${s(c.floor.withoutPollMs)} without the client's wait between reads`),
    ),
    ...r.channels.map(
      (c) =>
        `  ${c.channel} requests: ` +
        Object.entries(c.routes)
          .sort((a, b) => b[1] - a[1])
          .map(([route, k]) => `${route} ${n(k)}`)
          .join(', '),
    ),
  ]
}

const s = (ms: number) => `${fixed(ms / 1000, 1)} s`
