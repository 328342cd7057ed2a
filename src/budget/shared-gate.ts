/**
 * One bucket of an account's shared API budget as the `RateGate` a connector's client takes from
 * (connectors/types.ts): the caller's lane decides how it is served (lane-policy.ts), the bucket
 * itself is kept in Redis by the script (bucket-script.ts), and every grant, refusal, wait and 429
 * is counted per account and lane (src/metrics/api-budget.ts).
 */
import {
  ChannelApiError,
  currentLane,
  type RateGate,
  type RateLimit,
} from '../../connectors/index.js'
import type { ApiBudgetCounter } from '../metrics/api-budget.js'
import type { BucketCall, BucketScript, Refusal } from './bucket-script.js'
import { LANE_POLICIES, reserveOf } from './lane-policy.js'

export interface GateSettings {
  readonly maxWaitMs: number
  readonly lowerMaxWaitMs: number
  readonly urgentGraceMs: number
  readonly idleMs: number
  readonly now?: () => number
  readonly sleep: (ms: number) => Promise<void>
}

export interface GateIdentity {
  readonly channel: string
  readonly accountId: string
  readonly bucket: string
  /** The bucket's hash in Redis. */
  readonly key: string
}

const WHY: Readonly<Record<Refusal, string>> = {
  held: 'the channel answered 429 and every process waits until it asked',
  'urgent-waiting': 'kept for stock pushes and order hydration waiting',
  'too-few-tokens': 'used up',
}

export function sharedGate(
  deps: { readonly script: BucketScript; readonly counter: ApiBudgetCounter },
  settings: GateSettings,
  id: GateIdentity,
  plan: RateLimit,
): RateGate {
  const { perSecond, burst } = plan
  if (!Number.isFinite(perSecond) || perSecond <= 0 || !Number.isFinite(burst) || burst < 1) {
    throw new Error(
      `API budget: bucket "${id.bucket}" of ${id.channel}/${id.accountId} has the plan ` +
        `${JSON.stringify(plan)}; perSecond must be a positive number and burst at least 1`,
    )
  }
  const count = (lane: string, measure: Parameters<ApiBudgetCounter['count']>[3], by = 1) =>
    deps.counter.count(id.channel, id.accountId, lane, measure, by)
  const call = (urgent: boolean, reserve: number): BucketCall => ({
    key: id.key,
    perSecond,
    burst,
    urgent,
    reserve,
    maxWaitMs: settings.maxWaitMs,
    graceMs: settings.urgentGraceMs,
    idleMs: settings.idleMs,
    ...(settings.now ? { nowMs: settings.now() } : {}),
  })

  return {
    async take(label) {
      const lane = currentLane()
      const { urgent } = LANE_POLICIES[lane]
      const reserve = reserveOf(lane, burst)
      // A refusal this short is slept through here; a longer one goes back to the job's retry.
      const patience = urgent ? settings.maxWaitMs : settings.lowerMaxWaitMs
      let waited = 0
      for (;;) {
        let reply
        try {
          reply = await deps.script.take(call(urgent, reserve))
        } catch (err) {
          count(lane, 'wait_ms', waited)
          const why = err instanceof Error ? err.message : String(err)
          throw new ChannelApiError(
            'transient',
            `${label}: not sent, the shared API budget in Redis could not be read (${why})`,
            {},
            { cause: err },
          )
        }
        if (reply.granted) {
          if (reply.waitMs > 0) await settings.sleep(reply.waitMs)
          count(lane, 'calls')
          count(lane, 'wait_ms', waited + reply.waitMs)
          return
        }
        if (waited + reply.waitMs <= patience) {
          await settings.sleep(reply.waitMs)
          waited += reply.waitMs
          continue
        }
        count(lane, 'refused')
        count(lane, 'wait_ms', waited)
        throw new ChannelApiError(
          'rate-limited',
          `${label}: rate limit reached, the shared API budget of ${id.channel}/${id.accountId} ` +
            `is ${WHY[reply.refusal]} (bucket "${id.bucket}", lane ${lane})`,
          { retryAfterMs: reply.waitMs },
        )
      }
    },

    hold(ms) {
      count(currentLane(), 'throttled')
      // Not awaited: the caller is already failing with the 429, and a hold that cannot be
      // recorded (Redis away) leaves the channel's next 429 to say the same again.
      deps.script.hold(call(true, 0), ms).catch(() => undefined)
    },
  }
}
