// One worker process's worth of channel calls, for test/integration/api-budget-processes.test.ts:
// takes from one account's bucket as fast as it is let (in lane push, several callers at once),
// through the shared budget in Redis or a bucket of its own, from the parent's "go" for the time
// given, and prints when each call was let through. Run as
// `node --import tsx test/helpers/budget-taker.ts '<json>'`.
import { createInterface } from 'node:readline'
import { z } from 'zod'
import { ChannelApiError, inLane } from '../../connectors/index.js'
import { bucketsBy } from '../../connectors/shared/per-api-buckets.js'
import { createBudget } from '../../src/budget/index.js'
import { systemClock } from '../../src/clock.js'
import { testRedis } from './redis.js'

export const TakerSettings = z.object({
  redisUrl: z.string(),
  prefix: z.string(),
  accountId: z.string(),
  /** `shared`: the account's budget in Redis; `local`: a TokenBucket in this process. */
  mode: z.enum(['shared', 'local']),
  plan: z.object({ perSecond: z.number().positive(), burst: z.number().min(1) }),
  durationMs: z.number().int().positive(),
  callers: z.number().int().positive(),
})
export type TakerSettings = z.infer<typeof TakerSettings>

/** What the process prints last: when (epoch ms) each call was let through, and refusals. */
export interface TakerReport {
  readonly granted: number[]
  readonly refused: number
}

async function main(settings: TakerSettings): Promise<TakerReport> {
  const redis = testRedis({ maxRetriesPerRequest: 1 }, settings.redisUrl)
  try {
    const gates =
      settings.mode === 'shared'
        ? createBudget(redis, settings.prefix).forAccount('walmart', settings.accountId)
        : undefined
    // As a connector's client builds its gates (connectors/shared/per-api-buckets.ts).
    const gate = bucketsBy(() => settings.plan, {
      clock: systemClock,
      ...(gates ? { gates } : {}),
    })('GET /v3/orders/{purchaseOrderId}')
    await redis.ping()
    console.log('ready')
    await goSignal()
    const deadline = Date.now() + settings.durationMs
    const granted: number[] = []
    let refused = 0
    const caller = async () => {
      while (Date.now() < deadline) {
        try {
          await inLane('push', () => gate.take('Walmart get order'))
          granted.push(Date.now())
        } catch (err) {
          if (!(err instanceof ChannelApiError) || err.kind !== 'rate-limited') throw err
          refused += 1
          const left = Math.max(0, deadline - Date.now())
          await new Promise((r) => setTimeout(r, Math.min(err.details.retryAfterMs ?? 100, left)))
        }
      }
    }
    await Promise.all(Array.from({ length: settings.callers }, caller))
    return { granted, refused }
  } finally {
    redis.disconnect()
  }
}

function goSignal(): Promise<void> {
  const lines = createInterface({ input: process.stdin })
  return new Promise((resolve) =>
    lines.on('line', (line) => {
      if (line.trim() !== 'go') return
      lines.close()
      process.stdin.destroy() // nothing more to read; an open stdin would keep the process alive
      resolve()
    }),
  )
}

const report = await main(TakerSettings.parse(JSON.parse(process.argv[2] ?? '')))
console.log(JSON.stringify(report))
