import type { Config } from '../config/index.js'
import { CHANNEL_IDS, ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import { formatFlashSale, runFlashSale } from '../sandbox/flash-sale.js'
import { withSimulatedHub } from './simulated-hub.js'
import type { FlashSaleFlags } from './args.js'

/**
 * `hub simulate flash-sale`: a flash sale against a simulated hub and the marketplace emulator
 * (simulated-hub.ts). Prints the summary; exit code 1 if units were oversold or the channels did
 * not settle.
 */
export async function simulateFlashSale(
  base: Config,
  log: Logger,
  args: FlashSaleFlags,
): Promise<number> {
  const channels =
    args.channels === 'all' ? [...CHANNEL_IDS] : args.channels.split(',').map((c) => c.trim())
  const unknown = channels.filter((c) => !ChannelId.safeParse(c).success)
  if (unknown.length > 0) {
    console.error(`--channels: unknown ${unknown.join(', ')} (use all or ${CHANNEL_IDS.join(',')})`)
    return 1
  }
  return withSimulatedHub(
    base,
    log,
    {},
    (config) => config,
    async (hub) => {
      const summary = await runFlashSale(
        { url: hub.url, adminToken: hub.adminToken, accountId: 'demo' },
        hub.emulator,
        {
          sku: args.sku,
          orders: args.orders,
          onHand: args.onHand,
          channels: channels as ChannelId[],
          duplicates: args.duplicates,
          overMs: args.overMs,
          allocation: args.allocation,
          timeoutMs: 120_000,
          // stderr, so the summary on stdout stays clean for a script reading it.
          progress: (line) => process.stderr.write(`flash sale: ${line}\n`),
        },
      )
      console.log(formatFlashSale(summary))
      return summary.oversold === 0 && summary.settled ? 0 : 1
    },
  )
}
