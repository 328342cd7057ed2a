import type { Queues } from '../queues/index.js'
import { inboundJob, inboundMessage, jobIds } from '../queues/catalog.js'

/**
 * A failed inbound job keeps the webhook's body in Redis until an operator acts (REMOVE_COMPLETED
 * removes only completed ones): when its stored copy is redacted, the job's copy is rewritten to
 * the same bytes, so a retry normalizes what PostgreSQL holds and Redis holds no more than it.
 * Returns how many jobs were rewritten.
 */
export async function redactFailedJobs(
  queues: Queues,
  rows: readonly { readonly id: string; readonly body: Buffer }[],
): Promise<number> {
  let rewritten = 0
  for (const row of rows) {
    const job = await queues.inbound.getJob(jobIds.inbound(row.id))
    if (!job) continue
    const message = inboundMessage(job.data)
    // A job from before jobs said how they hold the bytes: its worker reads the stored copy.
    const data = message ? inboundJob({ ...message, rawBody: row.body }) : { ...job.data, body: '' }
    await job.updateData(data)
    rewritten += 1
  }
  return rewritten
}
