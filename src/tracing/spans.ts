import { SpanStatusCode, type Span } from '@opentelemetry/api'

/** The hub's span names, one per step of a webhook's way (docs/operations.md, "Traces"). */
export const SPAN = {
  /** SERVER: the webhook's HTTP request. */
  webhook: 'POST /webhooks/{channel}/{account}',
  /** The request's wait for its inbox row to be committed and handed on. */
  intake: 'inbox intake',
  /** One multi-row insert and enqueue, linked to the requests it carried. */
  intakeBatch: 'inbox intake batch',
  /** Normalizing one stored webhook (parent: its request, across the queue hop). */
  normalize: 'normalize',
  /** Writing the events of one normalization to the outbox. */
  outboxWrite: 'outbox write',
  /** CLIENT: one delivery attempt to a subscriber (parent: the event's context). */
  deliveryAttempt: 'delivery attempt',
  /** One stock push job (one listing, or a bulk call's many), linked to the webhooks that caused it. */
  stockPush: 'stock push',
} as const

/**
 * Attribute names: OpenTelemetry's semantic conventions where one fits, `hub.*` for the hub's own
 * ids. Never personal data or secrets: ids, types, statuses and SKUs only.
 */
export const ATTR = {
  channel: 'hub.channel',
  account: 'hub.account',
  inboxId: 'hub.inbox.id',
  topic: 'hub.webhook.topic',
  outcome: 'hub.outcome',
  batchSize: 'hub.batch.size',
  events: 'hub.events',
  eventId: 'cloudevents.event_id',
  eventType: 'cloudevents.event_type',
  deliveryId: 'hub.delivery.id',
  subscriptionId: 'hub.subscription.id',
  attempt: 'hub.delivery.attempt',
  listingIds: 'hub.listing.ids',
  skus: 'hub.skus',
} as const

/** Marks a span failed (an error status) without an exception: a 5xx, a failed step. */
export function markFailed(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message })
}

/** Ends a span with the error that ended its work (the exception event and an error status). */
export function endWithError(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err))
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? err.message : String(err),
  })
  span.end()
}
