import type { Logger } from '../logger.js'
import { inboundJob, type InboundMessage, type Queues } from '../queues/index.js'
import type { Batcher } from './batcher.js'
import type { BatchResult } from './normalize-batch.js'

/**
 * Where inbox intake hands the webhooks it has just committed, in a process that also runs the
 * workers (`--role all`): they are normalized here, from the bytes already in memory, in the same
 * batches as the queue's jobs, and the queue keeps everything else. A message the batch does not
 * settle as done (it needs hydration, its batch failed, its payload is invalid) is queued as an
 * ordinary inbound job, which the worker runs as if it had come from the queue in the first place:
 * retries, hydration, the failed set and Bull Board all work as before. A message that is
 * normalized here never costs a queue round trip.
 *
 * Nothing is lost if the process dies first: the inbox row is committed before the webhook is
 * answered, so a message still `received` after the sweeper's grace period, with no job, is
 * queued by the sweeper (as when Redis loses a job).
 */
export interface NormalizeHandoff {
  /** Takes what fits its in-flight budget; returns the messages it did not take (to be queued). */
  take(messages: readonly InboundMessage[]): InboundMessage[]
  /** Resolves once every message taken so far is normalized or queued. */
  drain(): Promise<void>
}

export function createNormalizeHandoff(
  deps: { readonly queues: Pick<Queues, 'enqueueInbound'>; readonly log: Logger },
  batches: Batcher<InboundMessage, BatchResult>,
  opts: { readonly maxInFlight: number },
): NormalizeHandoff {
  let inFlight = 0
  const idle: Array<() => void> = []

  async function normalize(message: InboundMessage): Promise<void> {
    let result: BatchResult
    try {
      result = await batches.submit(message)
    } catch (err) {
      deps.log.warn({ err, inboxId: message.inboxId }, 'normalizing in process failed; queued')
      result = { kind: 'alone' }
    }
    if (deps.log.isLevelEnabled('debug'))
      deps.log.debug(
        { inboxId: message.inboxId, requestId: message.requestId, outcome: result.kind },
        'normalize step ended',
      )
    if (result.kind === 'done') return
    try {
      await deps.queues.enqueueInbound([inboundJob(message)])
    } catch (err) {
      // The row is committed and still open (or failed, and visible as such); the sweeper queues
      // a received one later.
      deps.log.warn({ err, inboxId: message.inboxId }, 'could not queue a message; sweeper will')
    }
  }

  return {
    take(messages) {
      const room = Math.max(0, opts.maxInFlight - inFlight)
      for (const message of messages.slice(0, room)) {
        inFlight++
        void normalize(message).finally(() => {
          inFlight--
          if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve())
        })
      }
      return messages.slice(room)
    },
    drain() {
      if (inFlight === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idle.push(resolve))
    },
  }
}
