// The stock-sync figure: after a burst of changes to one SKU listed on all four channels, how long
// until every channel's emulated listing shows the final quantity, and how many channel calls the
// burst cost. The hub runs in this process (API, workers, relay) against the marketplace emulator,
// with its own database and queue prefix; changes are on-hand adjustments over HTTP.
import { CHANNEL_IDS } from '../src/events/index.js'
import { emulatedChannels } from '../src/sandbox/channels.js'
import { startInProcessHub } from './in-process-hub.js'
import { percentiles, type Percentiles } from './stats.js'

/**
 * Issue #12's aim for a 1,000-change burst: every listing final within this long of the first
 * change. Accepting the burst was most of it when adjustments queued on their SKU's row one by one.
 */
export const STOCK_SYNC_TARGET_MS = 1_500

export interface StockSyncResult {
  readonly runs: number
  readonly changesPerRun: number
  /** From the first change sent to every listing showing the final quantity. */
  readonly settleMs: Percentiles
  /** How long the hub took to accept the burst (every change acknowledged). */
  readonly burstMs: Percentiles
  /** From the last change acknowledged to every listing showing the final quantity. */
  readonly lagMs: Percentiles
  /** Stock writes the channels received per change, over all four listings. */
  readonly callsPerChange: number
  /** The same, per listing: 1 would be one push per change. */
  readonly callsPerChangePerListing: number
  /** Per channel, stock writes per run (mean). */
  readonly writesPerRun: Readonly<Record<string, number>>
}

export async function measureStockSync(runs: number, changes: number): Promise<StockSyncResult> {
  const { emulator, admin, close } = await startInProcessHub('stock')
  const sku = 'BENCH-SKU'
  const offered = () => CHANNEL_IDS.map((c) => emulator.state(c).stock.get(sku))
  const until = async (done: () => boolean, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`stock did not settle: ${offered().join(', ')}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }
  try {
    await admin('PUT', '/v1/listings', {
      listings: CHANNEL_IDS.map((channel) => ({
        sku,
        channel,
        account: 'demo',
        unit: emulatedChannels[channel].listingUnit(sku),
      })),
    })
    let onHand = runs * changes + 1_000
    await admin('PUT', `/v1/inventory/${sku}`, { onHand, asOf: new Date().toISOString() })
    await until(() => offered().every((q) => q === onHand))
    const settle: number[] = []
    const burst: number[] = []
    const lag: number[] = []
    const writes = Object.fromEntries(CHANNEL_IDS.map((c) => [c, 0]))
    for (let run = 0; run < runs; run++) {
      const before = CHANNEL_IDS.map((c) => emulator.state(c).stats.stockWrites)
      const started = performance.now()
      // 16 clients send the burst as fast as the hub takes it.
      let next = 0
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < changes) {
            const i = next++
            await admin('POST', '/v1/inventory/adjustments', {
              idempotencyKey: `run${run}-${i}`,
              sku,
              delta: -1,
            })
          }
        }),
      )
      const sent = performance.now()
      onHand -= changes
      await until(() => offered().every((q) => q === onHand))
      settle.push(performance.now() - started)
      burst.push(sent - started)
      lag.push(performance.now() - sent)
      CHANNEL_IDS.forEach((c, i) => {
        writes[c]! += emulator.state(c).stats.stockWrites - before[i]!
      })
      process.stdout.write(
        `  stock sync run ${run + 1}/${runs}: burst accepted in ${ms(burst.at(-1)!)}, every listing final ${ms(lag.at(-1)!)} later\n`,
      )
    }
    const total = Object.values(writes).reduce((a, b) => a + b, 0)
    return {
      runs,
      changesPerRun: changes,
      settleMs: percentiles(settle),
      burstMs: percentiles(burst),
      lagMs: percentiles(lag),
      callsPerChange: total / (runs * changes),
      callsPerChangePerListing: total / (runs * changes * CHANNEL_IDS.length),
      writesPerRun: Object.fromEntries(CHANNEL_IDS.map((c) => [c, writes[c]! / runs])),
    }
  } finally {
    await close()
  }
}

export function formatStockSync(r: StockSyncResult): string[] {
  return [
    `Stock sync: ${r.runs} bursts of ${r.changesPerRun} changes to one SKU listed on all four channels (emulated)`,
    `  time until every listing shows the final quantity: p50 ${ms(r.settleMs.p50)}, p99 ${ms(r.settleMs.p99)} from the first change` +
      ` — target < ${ms(STOCK_SYNC_TARGET_MS)}: ${r.settleMs.p50 < STOCK_SYNC_TARGET_MS ? 'met' : 'NOT MET'} at p50`,
    `    of which accepting the burst: p50 ${ms(r.burstMs.p50)}, p99 ${ms(r.burstMs.p99)}; after the last change: p50 ${ms(r.lagMs.p50)}, p99 ${ms(r.lagMs.p99)}`,
    `  channel stock writes per change: ${r.callsPerChange.toFixed(3)} over 4 listings (${r.callsPerChangePerListing.toFixed(3)} per listing; 1 = no coalescing)`,
    `  writes per burst: ${Object.entries(r.writesPerRun)
      .map(([c, w]) => `${c} ${w.toFixed(1)}`)
      .join(', ')}`,
  ]
}

const ms = (v: number) => `${Math.round(v)} ms`
