import { getDeliveriesToSend, type DeliveryToSend } from '../db/repos/deliveries.js'
import { deliverJob, type Queues } from '../queues/index.js'
import { backoffMs } from '../queues/backoff.js'
import { createBatcher } from './batcher.js'
import { queueDeliveries } from './deliver-jobs.js'
import {
  attemptDelivery,
  prepareDelivery,
  settleAttempts,
  type DecidedAttempt,
  type DeliverDeps,
} from './deliver-event.js'

/**
 * The relay's own first attempt at each new delivery, so a delivery that succeeds at once costs no
 * queue round trips at all: the relay hands over the deliveries it has just published, they are
 * POSTed at once over kept-alive connections, and their attempts are recorded in batches (one
 * statement for all the attempts that finish together). Only a failed attempt becomes a job:
 * a delayed retry in the `deliver` queue, with the attempts left.
 *
 * Nothing here blocks the relay: `send` returns at once. A slow subscriber fills the in-flight
 * budget, and deliveries beyond it are queued as jobs instead. A delivery whose attempt was lost
 * with the process (crash between publishing and recording) stays pending with no job, and the
 * sweeper queues it after its grace period.
 */
export interface FirstAttempts {
  send(deliveryIds: readonly string[]): void
  /** Resolves once every attempt handed over so far is recorded (and retried or queued). */
  drain(): Promise<void>
}

export interface FirstAttemptSettings {
  /** Attempts a delivery gets in all; with one, there is no retry to queue, so the queue does it. */
  readonly maxAttempts: number
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  /** Most first attempts in flight in this process. */
  readonly maxInFlight: number
}

export function createFirstAttempts(
  deps: DeliverDeps & { readonly queues: Pick<Queues, 'enqueueDeliveries' | 'retryDeliveries'> },
  settings: FirstAttemptSettings,
): FirstAttempts {
  let inFlight = 0
  const idle: Array<() => void> = []
  const done = (n: number) => {
    inFlight -= n
    if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve())
  }
  // Attempts that finish together are recorded together; failures are then queued for retry.
  const records = createBatcher(
    async (decided: readonly (DecidedAttempt & { readonly delivery: DeliveryToSend })[]) => {
      await settleAttempts(deps, decided)
      await deps.queues.retryDeliveries(
        decided.flatMap((d) =>
          d.result.kind === 'retry'
            ? [
                {
                  job: deliverJob(d.delivery),
                  nextAttempt: d.outcome.attempt.attempt + 1,
                  delayMs: backoffMs({
                    failedAttempts: d.outcome.attempt.attempt,
                    baseMs: settings.backoffBaseMs,
                    maxMs: settings.backoffMaxMs,
                    retryAfterMs: d.result.retryAfterMs,
                  }),
                },
              ]
            : [],
        ),
      )
      return decided.map(() => undefined)
    },
    { maxBatch: 500, maxInFlight: 1 },
  )

  /** Hands deliveries to the queue (every attempt by the deliver worker); never throws. */
  async function queue(ids: readonly string[], why: string, err?: unknown): Promise<void> {
    if (ids.length === 0) return
    if (err) deps.log.warn({ err, deliveries: ids.length }, why)
    await queueDeliveries(deps, ids).catch((error: unknown) => {
      deps.log.warn(
        { err: error, deliveries: ids.length },
        'enqueue of deliveries failed; sweeper will retry',
      )
    })
  }

  async function attempt(ids: readonly string[]): Promise<void> {
    let deliveries
    try {
      deliveries = await getDeliveriesToSend(deps.db, ids)
    } catch (err) {
      return queue(ids, 'could not read deliveries for their first attempt; queued instead', err)
    }
    await Promise.all(
      deliveries.map(async (delivery) => {
        try {
          if ((await prepareDelivery(deps, delivery)) === 'skip') return
          const decided = await attemptDelivery(deps, delivery, {
            number: 1,
            final: settings.maxAttempts <= 1,
          })
          await records.submit({ ...decided, delivery })
        } catch (err) {
          // The attempt may or may not have reached the subscriber; its job retries it (a
          // subscriber dedupes by webhook-id).
          await queue([delivery.id], 'recording a first delivery attempt failed; queued', err)
        }
      }),
    )
  }

  return {
    send(deliveryIds) {
      if (deliveryIds.length === 0) return
      const room = settings.maxAttempts > 1 ? Math.max(0, settings.maxInFlight - inFlight) : 0
      const now = deliveryIds.slice(0, room)
      void queue(deliveryIds.slice(room), 'first-attempt budget full')
      if (now.length === 0) return
      inFlight += now.length
      void attempt(now).finally(() => done(now.length))
    },
    drain() {
      if (inFlight === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idle.push(resolve))
    },
  }
}
