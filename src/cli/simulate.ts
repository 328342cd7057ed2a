import { randomBytes } from 'node:crypto'
import { sandboxAccounts, type Config } from '../config/index.js'
import { closeDeps, createDeps } from '../deps.js'
import { CHANNEL_IDS, ChannelId } from '../events/index.js'
import { createApp } from '../http/app.js'
import { startHttp } from '../http/server.js'
import type { Logger } from '../logger.js'
import { stockCounterKey } from '../metrics/stock.js'
import { startEmulator } from '../sandbox/emulator.js'
import { formatFlashSale, runFlashSale } from '../sandbox/flash-sale.js'
import { startWorkers } from '../../workers/index.js'
import type { FlashSaleFlags } from './args.js'

/**
 * `hub simulate flash-sale`: a complete hub (API, workers, relay) and the marketplace emulator in
 * this process, against their own database and queue prefix (`config` is prepared by the caller),
 * so a run never mixes with a hub you are running. Prints the summary; exit code 1 if units were
 * oversold or the channels did not settle.
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
  const emulator = await startEmulator({ port: 0 })
  const adminToken = `hub_sim_${randomBytes(12).toString('base64url')}`
  const config: Config = {
    ...base,
    mode: 'sandbox',
    http: { ...base.http, host: '127.0.0.1', port: 0 },
    admin: { ...base.admin, token: adminToken, generated: true },
    accounts: sandboxAccounts(emulator.url),
    // The emulated marketplaces stamp orders with this process's clock, to the millisecond.
    stock: { ...base.stock, orderClockSkewMs: 0 },
  }
  const deps = createDeps(config, { log })
  const workers = startWorkers(deps)
  const server = await startHttp(createApp(deps), config.http)
  const hubUrl = `http://127.0.0.1:${server.port}`
  for (const channel of CHANNEL_IDS) emulator.state(channel).hubUrl = hubUrl
  try {
    const summary = await runFlashSale({ url: hubUrl, adminToken, accountId: 'demo' }, emulator, {
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
    })
    console.log(formatFlashSale(summary))
    return summary.oversold === 0 && summary.settled ? 0 : 1
  } finally {
    await server.close()
    await workers.close()
    // The run's queues are its own (a fresh prefix); leave nothing of them in Redis.
    await Promise.all(deps.queues.all.map((q) => q.obliterate({ force: true }))).catch(
      () => undefined,
    )
    await deps.redis.producer.del(stockCounterKey(config.queues.prefix)).catch(() => 0)
    await closeDeps(deps)
    await emulator.close()
  }
}
