import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import {
  cancelDelivery,
  getDeliveryToSend,
  recordAttempts,
  type AttemptOutcome,
  type DeliveryToSend,
} from '../db/repos/deliveries.js'
import { disableSubscription } from '../db/repos/subscriptions.js'
import type { Database } from '../db/schema.js'
import { signatureHeaders } from '../delivery/sign.js'
import {
  binaryMessage,
  envelopeTraceContext,
  structuredMessage,
  wireEvent,
  wireEventText,
  type EventMessage,
  type WireEvent,
} from '../events/index.js'
import { errorMessage } from '../errors.js'
import type { DeliveryCounter, DeliveryObservation } from '../metrics/delivery.js'
import type { HttpTransport } from '../outbound/transport.js'
import { retryAfterMs } from '../outbound/retry-after.js'
import { DONE, type StepResult } from './step-result.js'
import {
  ATTR,
  SPAN,
  SpanKind,
  carrierOf,
  contextOf,
  endWithError,
  markFailed,
  type TraceCarrier,
  type Tracing,
  type TracingOn,
} from '../tracing/index.js'

export interface DeliverDeps {
  readonly db: Kysely<Database>
  readonly transport: HttpTransport
  readonly clock: Clock
  readonly timeoutMs: number
  readonly deliveryCounter: DeliveryCounter
  readonly log: Logger
  /** HUB_PUBLIC_URL: what each event's `dataschema` is built on. */
  readonly publicUrl: string
  readonly tracing?: Tracing
}

export interface AttemptNumber {
  /** 1-based. */
  readonly number: number
  /** No retry follows if this attempt fails. */
  readonly final: boolean
}

const EXCERPT_BYTES = 1024

/**
 * One attempt to POST an event to a subscriber, signed per Standard Webhooks. Every attempt is
 * recorded. 2xx delivers; 410 Gone disables the subscription; anything else is retried by the queue
 * (honouring Retry-After) until the last attempt, which marks the delivery failed. A failed delivery
 * retried by an operator is sent again; delivered and cancelled ones are final.
 *
 * A delivery of a paused subscription is not attempted: the job completes and the delivery stays
 * `pending`, with no attempt counted, until resuming enqueues it again (a completed job is removed,
 * so its id is free). Parking the job in the delayed set instead would keep one timer per held
 * event in Redis and wake each of them repeatedly during a long pause, and resume would have to
 * find and promote them in order; completing keeps Redis empty and lets resume enqueue the whole
 * backlog in feed order.
 */
export async function deliverEvent(
  deps: DeliverDeps,
  deliveryId: string,
  attempt: AttemptNumber,
): Promise<StepResult> {
  const delivery = await getDeliveryToSend(deps.db, deliveryId)
  if (!delivery) return { kind: 'permanent', reason: `delivery ${deliveryId} does not exist` }
  if ((await prepareDelivery(deps, delivery)) === 'skip') return DONE
  const decided = await attemptDelivery(deps, delivery, attempt)
  await settleAttempts(deps, [decided])
  return decided.result
}

/**
 * Whether a delivery is to be sent now: not when it is already settled or its subscription is
 * paused (it waits, pending); one whose subscription was disabled or deleted is cancelled here.
 */
export async function prepareDelivery(
  deps: Pick<DeliverDeps, 'db' | 'deliveryCounter'>,
  delivery: DeliveryToSend,
): Promise<'send' | 'skip'> {
  if (delivery.status === 'delivered' || delivery.status === 'cancelled') return 'skip'
  if (delivery.subscriptionStatus === 'paused') return 'skip'
  if (delivery.subscriptionStatus !== 'active') {
    await cancelDelivery(deps.db, delivery.id, `subscription ${delivery.subscriptionStatus}`)
    deps.deliveryCounter.record({ subscriptionId: delivery.subscriptionId, outcome: 'cancelled' })
    return 'skip'
  }
  return 'send'
}

/** What one HTTP attempt ended in, before it is recorded. */
export interface DecidedAttempt {
  readonly outcome: AttemptOutcome
  readonly observation: DeliveryObservation
  /** Set when the subscriber answered 410 Gone: the subscription is to be disabled. */
  readonly disable?: { readonly subscriptionId: string; readonly reason: string }
  readonly result: StepResult
}

type AttemptDeps = Pick<DeliverDeps, 'transport' | 'clock' | 'timeoutMs' | 'log' | 'publicUrl'>

/** POSTs the event once and decides what the answer means; writes nothing. */
export async function attemptDelivery(
  deps: AttemptDeps & Pick<DeliverDeps, 'tracing'>,
  delivery: DeliveryToSend,
  attempt: AttemptNumber,
): Promise<DecidedAttempt> {
  if (!deps.tracing?.enabled) return attemptOnce(deps, delivery, attempt, undefined)
  return tracedAttempt(deps.tracing, deps, delivery, attempt)
}

/**
 * One attempt as a CLIENT span in the trace of the event's creation (the envelope's
 * `traceparent`; a new trace for an event without one), its own context sent to the subscriber
 * in the W3C `traceparent` header.
 */
async function tracedAttempt(
  tracing: TracingOn,
  deps: AttemptDeps,
  delivery: DeliveryToSend,
  attempt: AttemptNumber,
): Promise<DecidedAttempt> {
  const span = tracing.tracer.startSpan(
    SPAN.deliveryAttempt,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        // The host only: a subscriber's path or query may hold its token.
        'server.address': hostOf(delivery.url),
        [ATTR.deliveryId]: delivery.id,
        [ATTR.subscriptionId]: delivery.subscriptionId,
        [ATTR.eventId]: delivery.eventId,
        [ATTR.eventType]: delivery.eventType,
        [ATTR.attempt]: attempt.number,
      },
    },
    contextOf(envelopeTraceContext(delivery.envelopeText)),
  )
  try {
    const decided = await attemptOnce(deps, delivery, attempt, carrierOf(span.spanContext()))
    const { statusCode, error } = decided.outcome.attempt
    if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode)
    span.setAttribute(ATTR.outcome, decided.observation.outcome)
    if (decided.result.kind !== 'done') markFailed(span, error ?? `HTTP ${statusCode}`)
    span.end()
    return decided
  } catch (err) {
    endWithError(span, err)
    throw err
  }
}

async function attemptOnce(
  deps: AttemptDeps,
  delivery: DeliveryToSend,
  attempt: AttemptNumber,
  trace: TraceCarrier | undefined,
): Promise<DecidedAttempt> {
  const message = eventMessage(delivery, deps.publicUrl)
  const startedAt = deps.clock.now()
  const sent = await post(deps, delivery, message, startedAt, trace)
  const at = deps.clock.now()
  // The event and the webhook it came from: with the normalize job's lines (inboxId, requestId)
  // this follows one webhook from its request to each subscriber.
  if (deps.log.isLevelEnabled('debug'))
    deps.log.debug(
      {
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        inboxId: delivery.inboxId,
        subscriptionId: delivery.subscriptionId,
        attempt: attempt.number,
        statusCode: sent.statusCode,
      },
      'delivery attempt',
    )
  const record = {
    attempt: attempt.number,
    startedAt,
    durationMs: at.getTime() - startedAt.getTime(),
    statusCode: sent.statusCode,
    error: sent.error,
    responseExcerpt: sent.responseExcerpt,
  }
  const subscriptionId = delivery.subscriptionId
  const attemptMs = record.durationMs
  const outcome = (status: AttemptOutcome['next']['status'], lastError: string | null) => ({
    deliveryId: delivery.id,
    attempt: record,
    next: { status, lastError, at },
  })
  if (sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300) {
    return {
      outcome: outcome('delivered', null),
      observation: {
        subscriptionId,
        outcome: 'delivered',
        attemptMs,
        latencyMs: at.getTime() - delivery.recordedAt.getTime(),
      },
      result: DONE,
    }
  }
  if (sent.statusCode === 410) {
    const reason = 'subscriber answered 410 Gone'
    return {
      outcome: outcome('failed', reason),
      observation: { subscriptionId, outcome: 'gone', attemptMs },
      disable: { subscriptionId, reason },
      result: { kind: 'permanent', reason: `${reason}; subscription ${subscriptionId} disabled` },
    }
  }
  const reason = sent.error ?? `subscriber answered HTTP ${sent.statusCode}`
  return {
    outcome: outcome(attempt.final ? 'failed' : 'pending', reason),
    observation: {
      subscriptionId,
      outcome: attempt.final ? 'exhausted' : 'failed_attempt',
      attemptMs,
    },
    result: { kind: 'retry', reason, retryAfterMs: sent.retryAfterMs },
  }
}

/** Records decided attempts (one statement for all), disables gone subscriptions, counts. */
export async function settleAttempts(
  deps: Pick<DeliverDeps, 'db' | 'deliveryCounter'>,
  decided: readonly DecidedAttempt[],
): Promise<void> {
  await recordAttempts(
    deps.db,
    decided.map((d) => d.outcome),
  )
  for (const d of decided) {
    if (d.disable) await disableSubscription(deps.db, d.disable.subscriptionId, d.disable.reason)
    deps.deliveryCounter.record(d.observation)
  }
}

/**
 * The event in the subscription's content mode. Structured, the common case, splices the stored
 * envelope text without parsing it (see `wireEventText`); binary needs each attribute apart, so
 * it parses.
 */
function eventMessage(delivery: DeliveryToSend, publicUrl: string): EventMessage {
  const { envelopeText, eventType, position } = delivery
  if (position === null) throw new Error(`event ${delivery.eventId} has no feed position yet`)
  switch (delivery.contentMode) {
    case 'structured':
      return structuredMessage(wireEventText(envelopeText, eventType, position, publicUrl))
    case 'binary':
      return binaryMessage(wireEvent(JSON.parse(envelopeText) as WireEvent, position, publicUrl))
  }
}

function hostOf(url: string): string {
  return URL.parse(url)?.host ?? 'invalid URL'
}

async function post(
  deps: Pick<DeliverDeps, 'transport' | 'timeoutMs'>,
  delivery: DeliveryToSend,
  { headers, body }: EventMessage,
  now: Date,
  /** The attempt's span, while tracing is on: sent as the W3C trace context headers. */
  trace: TraceCarrier | undefined,
) {
  const id = delivery.eventId
  const sent: Record<string, string> = {
    ...headers,
    'user-agent': 'marketplace-hub',
    // Over the body's bytes only: in binary mode the ce- headers are not signed.
    ...signatureHeaders(delivery.secret, { id, timestamp: now, body }),
  }
  if (trace) Object.assign(sent, trace)
  try {
    const res = await deps.transport(delivery.url, {
      method: 'POST',
      headers: sent,
      body,
      timeoutMs: deps.timeoutMs,
    })
    const excerpt = await res.text(EXCERPT_BYTES).catch(() => null)
    return {
      statusCode: res.status,
      error: null,
      responseExcerpt: excerpt,
      retryAfterMs: retryAfterMs(res.header('retry-after'), now),
    }
  } catch (err) {
    return {
      statusCode: null,
      error: errorMessage(err),
      responseExcerpt: null,
      retryAfterMs: undefined,
    }
  }
}
