import { isUtf8 } from 'node:buffer'
import { z } from 'zod'
import { ChannelId } from '../events/index.js'

/**
 * The inbound job carries the webhook itself: an operator sees the payload in Bull Board, and the
 * worker normalizes these bytes instead of reading PostgreSQL's durable copy again. Every other job
 * carries ids only.
 */
export const InboundJob = z.object({
  inboxId: z.string(),
  channel: ChannelId,
  accountId: z.string(),
  topic: z.string(),
  dedupeKey: z.string(),
  receivedAt: z.string(),
  body: z.string(),
  /**
   * How `body` holds the exact bytes: as their UTF-8 text (nearly always), or as base64 when they
   * are not valid UTF-8 (so the normalizer still sees, and refuses, the bytes as sent). Absent on
   * jobs queued before this field existed: their worker reads the stored bytes.
   */
  encoding: z.enum(['utf8', 'base64']).optional(),
  /** The id of the request that delivered the webhook (absent for jobs the sweeper re-created). */
  requestId: z.string().optional(),
  /**
   * The W3C trace context of the request that delivered the webhook, while tracing is on: its
   * normalization continues that trace. Also stored in the inbox row (`trace_context`), from
   * which the sweeper re-creates a lost job with it. A malformed one is dropped, never a failed job.
   */
  traceContext: z
    .object({ traceparent: z.string(), tracestate: z.string().optional() })
    .optional()
    .catch(undefined),
})
export type InboundJob = z.infer<typeof InboundJob>

/** A stored webhook as its inbound job carries it: the exact bytes with what names them. */
export interface InboundMessage {
  readonly inboxId: string
  readonly channel: ChannelId
  readonly accountId: string
  readonly topic: string
  readonly dedupeKey: string
  readonly receivedAt: Date
  readonly rawBody: Uint8Array
  /** The request that delivered it, for log correlation. */
  readonly requestId?: string | undefined
  /** The request's W3C trace context, while tracing is on. */
  readonly traceContext?: InboundJob['traceContext']
}

/** The inbound job for a stored inbox row. */
export function inboundJob(m: InboundMessage): InboundJob {
  return {
    ...(m.requestId !== undefined ? { requestId: m.requestId } : {}),
    ...(m.traceContext !== undefined ? { traceContext: m.traceContext } : {}),
    inboxId: m.inboxId,
    channel: m.channel,
    accountId: m.accountId,
    topic: m.topic,
    dedupeKey: m.dedupeKey,
    receivedAt: m.receivedAt.toISOString(),
    ...encodeBody(m.rawBody),
  }
}

/** The message a job carries, or undefined for a job that does not say how it holds the bytes. */
export function inboundMessage(job: InboundJob): InboundMessage | undefined {
  const rawBody = jobBodyBytes(job)
  if (!rawBody) return undefined
  return {
    inboxId: job.inboxId,
    channel: job.channel,
    accountId: job.accountId,
    topic: job.topic,
    dedupeKey: job.dedupeKey,
    receivedAt: new Date(job.receivedAt),
    rawBody,
    requestId: job.requestId,
    traceContext: job.traceContext,
  }
}

function encodeBody(bytes: Uint8Array): Pick<InboundJob, 'body' | 'encoding'> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return isUtf8(buffer)
    ? { body: buffer.toString('utf8'), encoding: 'utf8' }
    : { body: buffer.toString('base64'), encoding: 'base64' }
}

/** The exact bytes a job carries, or undefined for a job that does not say how it holds them. */
function jobBodyBytes(job: Pick<InboundJob, 'body' | 'encoding'>): Buffer | undefined {
  if (job.encoding === undefined) return undefined
  return Buffer.from(job.body, job.encoding)
}

/**
 * `firstAttempt`: the attempt number of the job's first run, when attempts were made before the job
 * existed (the relay makes each delivery's first attempt itself and queues only a retry).
 *
 * `subscriptionId`, `eventType` and `urlHost` are for the operator reading a failed job in Bull
 * Board, who would otherwise see a bare id; the worker reads only `deliveryId`. Only the URL's
 * host, never the whole URL (its path or query may carry the subscriber's token) and never the
 * signing secret. Absent on jobs queued before they existed, and on jobs queued when the
 * delivery could not be read.
 */
export const DeliverJob = z.object({
  deliveryId: z.string(),
  firstAttempt: z.number().int().min(2).optional(),
  subscriptionId: z.string().optional(),
  eventType: z.string().optional(),
  urlHost: z.string().optional(),
})
export type DeliverJob = z.infer<typeof DeliverJob>

/** What a deliver job is about: the delivery with its subscription's URL and its event's type. */
export interface DeliveryDescription {
  readonly id: string
  readonly subscriptionId: string
  readonly eventType: string
  readonly url: string
}

/** The deliver job for a delivery, labelled for Bull Board. */
export function deliverJob(d: DeliveryDescription): DeliverJob {
  return {
    deliveryId: d.id,
    subscriptionId: d.subscriptionId,
    eventType: d.eventType,
    urlHost: hostOf(d.url),
  }
}

/** A deliver job's name, the first thing Bull Board lists: what goes where. */
export function deliverJobName(job: DeliverJob): string {
  return job.eventType && job.urlHost ? `deliver ${job.eventType} to ${job.urlHost}` : 'deliver'
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'invalid URL'
  }
}

/** A bulk replay run: its filter and progress are in Postgres (`replay_run`). */
export const ReplayJob = z.object({ runId: z.string() })
export type ReplayJob = z.infer<typeof ReplayJob>

/**
 * One account's order sync run of a kind (src/pipeline/order-sync.ts): its window and page cursor
 * are in Postgres (`order_sync`), so the job carries only what names the run.
 */
export const OrderSyncJob = z.object({
  channel: ChannelId,
  accountId: z.string(),
  kind: z.enum(['sync', 'backfill']),
})
export type OrderSyncJob = z.infer<typeof OrderSyncJob>

export const QUEUE_NAMES = {
  inbound: 'inbound',
  deliver: 'deliver',
  replay: 'replay',
  orderSync: 'order-sync',
} as const

/** Name of the custom backoff strategy: exponential with jitter, never sooner than a Retry-After. */
export const HUB_BACKOFF = 'hub'

/** Job ids must not be integer-like or contain ":" (BullMQ rejects both). */
export const jobIds = {
  inbound: (inboxId: string) => `inbox-${inboxId}`,
  deliver: (deliveryId: string) => `delivery-${deliveryId}`,
  replay: (runId: string) => `replay-${runId}`,
  // Percent-encoded: an account id may hold ":".
  orderSync: (job: OrderSyncJob) =>
    `order-${job.kind}-${job.channel}-${encodeURIComponent(job.accountId)}`,
}

/**
 * Completed jobs are removed at once: Postgres holds the history (inbox status, delivery attempts),
 * and trimming a kept set by age and count doubled BullMQ's cost per job (measured, see
 * docs/benchmarks.md). Failed jobs stay until an operator acts.
 */
export const REMOVE_COMPLETED = true
