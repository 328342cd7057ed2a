import type { Account, Config } from '../config/index.js'
import { CHANNEL_IDS } from '../events/index.js'
import type { Logger } from '../logger.js'
import { readApiBudgetUse } from '../metrics/api-budget.js'
import { orderListSettings } from '../sandbox/amazon/index.js'
import type { Deps } from '../deps.js'
import {
  formatMissedWebhooks,
  runMissedWebhooks,
  type MissedWebhooksOptions,
} from '../sandbox/missed-webhooks.js'
import { queueScheduledSyncs } from '../pipeline/order-sync-schedule.js'
import type { MissedWebhooksFlags } from './args.js'
import { withSimulatedHub } from './simulated-hub.js'

/** Share of webhooks the channels lose, delay and send twice (issue 16's figures). */
const FAULTS = { drop: 0.3, delay: 0.1, duplicate: 0.1 }
/** Share of orders their buyer cancels later in the day. */
const CANCEL_SHARE = 0.2
/**
 * How long before now a sync window ends. Amazon's list trails by two minutes, longer than the
 * whole compressed day: the emulator and the account are told to list at once instead.
 */
const SETTLE_MS = 1_000

/**
 * The accounts with Amazon's two-minute listing delay lowered to `settleMs` (the emulator's must be
 * lowered alike, `orderListSettings`): a compressed day is shorter than Amazon's delay.
 */
export function amazonListingAfter(accounts: readonly Account[], settleMs: number): Account[] {
  return accounts.map((a) =>
    a.channel === 'amazon'
      ? { ...a, credentials: { ...(a.credentials as object), orderListSettleMs: settleMs } }
      : a,
  )
}

/** What the scenario asks of the hub: one more sync of every account, and the orders it holds. */
export function hubPorts(
  deps: Pick<Deps, 'db' | 'queues' | 'config'>,
): Pick<MissedWebhooksOptions, 'syncNow' | 'hubOrders'> {
  return {
    syncNow: async () => {
      await queueScheduledSyncs(deps, deps.config.accounts)
    },
    hubOrders: async () =>
      (
        await deps.db
          .selectFrom('sales_order')
          .select(['channel', 'external_id', 'status', 'found_by'])
          .execute()
      ).map((r) => ({
        channel: r.channel,
        externalId: r.external_id,
        status: r.status,
        foundBy: r.found_by,
      })),
  }
}

/**
 * `hub simulate missed-webhooks`: a day of orders on all four channels, compressed into
 * `--over` ms, with 30% of webhooks dropped, 10% delayed (up to the whole day) and 10% duplicated,
 * against a simulated hub (simulated-hub.ts) that syncs orders twelve times a day. Prints per
 * channel what was placed, what the hub holds, what polling recovered and the API calls; exit
 * code 1 if any order is missing or in the wrong state.
 */
export async function simulateMissedWebhooks(
  base: Config,
  log: Logger,
  flags: MissedWebhooksFlags,
): Promise<number> {
  const intervalMs = Math.max(2_000, Math.round(flags.overMs / 12))
  return withSimulatedHub(
    base,
    log,
    { webhookFaults: { ...FAULTS, maxDelayMs: flags.overMs, seed: flags.seed } },
    (config) => ({
      ...config,
      accounts: amazonListingAfter(config.accounts, SETTLE_MS),
      orderSync: {
        intervalMs,
        // The emulator's clock is this process's: a little overlap covers its whole seconds.
        overlapMs: 2_000,
        firstLookbackMs: 600_000,
        settleMs: SETTLE_MS,
      },
    }),
    async (hub) => {
      orderListSettings(hub.emulator.state('amazon')).settleMs = SETTLE_MS
      const summary = await runMissedWebhooks(hub.emulator, {
        channels: CHANNEL_IDS,
        ordersPerChannel: flags.orders,
        overMs: flags.overMs,
        cancelShare: CANCEL_SHARE,
        seed: flags.seed,
        // Amazon's order reads are the slowest: 0.5/s each for getOrder and getOrderItems (burst
        // 30), which a compressed day's orders outrun; the hub catches up after the day.
        settleTimeoutMs: intervalMs * 3 + 300_000,
        ...hubPorts(hub.deps),
        progress: (line) => process.stderr.write(`missed webhooks: ${line}\n`),
      })
      const use = await readApiBudgetUse(hub.deps.redis.producer, hub.deps.config.queues.prefix)
      const lanes = CHANNEL_IDS.map((channel) => {
        const mine = use.filter((u) => u.channel === channel && u.calls + u.throttled > 0)
        const parts = mine.map(
          (u) => `${u.lane} ${u.calls}${u.throttled ? ` (${u.throttled} 429s)` : ''}`,
        )
        return `  ${channel}: ${parts.length > 0 ? parts.join(', ') : 'none counted'}`
      })
      console.log(
        formatMissedWebhooks(
          summary,
          ["API calls by lane (the hub's shared budget):", ...lanes].join('\n'),
        ),
      )
      return summary.settled ? 0 : 1
    },
  )
}
