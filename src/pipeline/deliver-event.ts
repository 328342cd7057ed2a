import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import {
  cancelDelivery,
  getDeliveryToSend,
  recordAttempt,
  type DeliveryToSend,
} from '../db/repos/deliveries.js'
import { disableSubscription } from '../db/repos/subscriptions.js'
import type { Database } from '../db/schema.js'
import { signatureHeaders } from '../delivery/sign.js'
import { errorMessage } from '../errors.js'
import type { DeliveryCounter, DeliveryOutcome } from '../metrics/delivery.js'
import type { HttpTransport } from '../../connectors/shared/transport.js'
import { retryAfterMs } from '../../connectors/shared/retry-after.js'
import { DONE, type StepResult } from './step-result.js'

export interface DeliverDeps {
  readonly db: Kysely<Database>
  readonly transport: HttpTransport
  readonly clock: Clock
  readonly timeoutMs: number
  readonly deliveryCounter: DeliveryCounter
  readonly log: Logger
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
  attempt: { readonly number: number; readonly final: boolean },
): Promise<StepResult> {
  const delivery = await getDeliveryToSend(deps.db, deliveryId)
  if (!delivery) return { kind: 'permanent', reason: `delivery ${deliveryId} does not exist` }
  if (delivery.status === 'delivered' || delivery.status === 'cancelled') return DONE
  if (delivery.subscriptionStatus === 'paused') return DONE
  const count = (outcome: DeliveryOutcome, ms?: { attemptMs: number; latencyMs?: number }) =>
    deps.deliveryCounter.record({ subscriptionId: delivery.subscriptionId, outcome, ...ms })
  if (delivery.subscriptionStatus !== 'active') {
    await cancelDelivery(deps.db, deliveryId, `subscription ${delivery.subscriptionStatus}`)
    count('cancelled')
    return DONE
  }
  const body = eventBody(delivery)
  const startedAt = deps.clock.now()
  const sent = await post(deps, delivery, body, startedAt)
  const at = deps.clock.now()
  // The event and the webhook it came from: with the normalize job's lines (inboxId, requestId)
  // this follows one webhook from its request to each subscriber.
  if (deps.log.isLevelEnabled('debug'))
    deps.log.debug(
      {
        deliveryId,
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
    ...sent,
  }

  if (sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300) {
    await recordAttempt(deps.db, deliveryId, record, { status: 'delivered', lastError: null, at })
    count('delivered', {
      attemptMs: record.durationMs,
      latencyMs: at.getTime() - delivery.recordedAt.getTime(),
    })
    return DONE
  }
  if (sent.statusCode === 410) {
    const reason = 'subscriber answered 410 Gone'
    await recordAttempt(deps.db, deliveryId, record, { status: 'failed', lastError: reason, at })
    await disableSubscription(deps.db, delivery.subscriptionId, reason)
    count('gone', { attemptMs: record.durationMs })
    return {
      kind: 'permanent',
      reason: `${reason}; subscription ${delivery.subscriptionId} disabled`,
    }
  }
  const reason = sent.error ?? `subscriber answered HTTP ${sent.statusCode}`
  const status = attempt.final ? 'failed' : 'pending'
  await recordAttempt(deps.db, deliveryId, record, { status, lastError: reason, at })
  count(attempt.final ? 'exhausted' : 'failed_attempt', { attemptMs: record.durationMs })
  return { kind: 'retry', reason, retryAfterMs: sent.retryAfterMs }
}

/**
 * The stored envelope text with its feed position appended, without parsing and re-serializing:
 * the envelope was built from contract-checked parts when it was appended (see outbox/event.ts).
 */
function eventBody(delivery: DeliveryToSend): string {
  if (delivery.position === null)
    throw new Error(`event ${delivery.eventId} has no feed position yet`)
  return `${delivery.envelopeText.slice(0, -1)},"position":${delivery.position}}`
}

async function post(deps: DeliverDeps, delivery: DeliveryToSend, body: string, now: Date) {
  const id = delivery.eventId
  try {
    const res = await deps.transport(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'marketplace-hub',
        ...signatureHeaders(delivery.secret, { id, timestamp: now, body }),
      },
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
