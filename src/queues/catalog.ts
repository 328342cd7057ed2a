import { z } from 'zod'
import { ChannelId } from '../events/index.js'

/**
 * The inbound job carries the webhook itself so an operator sees the payload in Bull Board;
 * Postgres holds the durable copy, which the worker reads. Every other job carries ids only.
 */
export const InboundJob = z.object({
  inboxId: z.string(),
  channel: ChannelId,
  accountId: z.string(),
  topic: z.string(),
  dedupeKey: z.string(),
  receivedAt: z.string(),
  body: z.string(),
  /** The id of the request that delivered the webhook (absent for jobs the sweeper re-created). */
  requestId: z.string().optional(),
})
export type InboundJob = z.infer<typeof InboundJob>

/** The inbound job for a stored inbox row. */
export function inboundJob(
  inboxId: string,
  m: {
    readonly channel: ChannelId
    readonly accountId: string
    readonly topic: string
    readonly dedupeKey: string
    readonly receivedAt: Date
    readonly rawBody: Uint8Array
    readonly requestId?: string
  },
): InboundJob {
  return {
    ...(m.requestId !== undefined ? { requestId: m.requestId } : {}),
    inboxId,
    channel: m.channel,
    accountId: m.accountId,
    topic: m.topic,
    dedupeKey: m.dedupeKey,
    receivedAt: m.receivedAt.toISOString(),
    body: Buffer.from(m.rawBody.buffer, m.rawBody.byteOffset, m.rawBody.byteLength).toString(
      'utf8',
    ),
  }
}

export const DeliverJob = z.object({ deliveryId: z.string() })
export type DeliverJob = z.infer<typeof DeliverJob>

/** A bulk replay run: its filter and progress are in Postgres (`replay_run`). */
export const ReplayJob = z.object({ runId: z.string() })
export type ReplayJob = z.infer<typeof ReplayJob>

export const QUEUE_NAMES = { inbound: 'inbound', deliver: 'deliver', replay: 'replay' } as const

/** Name of the custom backoff strategy: exponential with jitter, never sooner than a Retry-After. */
export const HUB_BACKOFF = 'hub'

/** Job ids must not be integer-like or contain ":" (BullMQ rejects both). */
export const jobIds = {
  inbound: (inboxId: string) => `inbox-${inboxId}`,
  deliver: (deliveryId: string) => `delivery-${deliveryId}`,
  replay: (runId: string) => `replay-${runId}`,
}

/**
 * Completed jobs are removed at once: Postgres holds the history (inbox status, delivery attempts),
 * and trimming a kept set by age and count doubled BullMQ's cost per job (measured, see
 * docs/benchmarks.md). Failed jobs stay until an operator acts.
 */
export const REMOVE_COMPLETED = true
