import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import {
  lockInboxMessage,
  settleInboxMessage,
  type InboxMessageToNormalize,
} from '../db/repos/inbox.js'
import type { Database, InboxOutcome, InboxStatus } from '../db/schema.js'
import type { HubEvent } from '../events/index.js'
import { errorMessage } from '../errors.js'
import { applyOrderSnapshot } from '../orders/apply.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventDraft, type EventOrigin } from '../outbox/event.js'
import {
  decodeJsonBody,
  normalizers,
  type NormalizeResult,
  type Observation,
} from '../../normalizers/index.js'
import { DONE, type StepResult } from './step-result.js'

export interface NormalizeDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
}

/**
 * Normalizes one stored webhook and applies the result in one transaction: the inbox row's status,
 * the order state and the outbox events commit together or not at all. The inbox row stays locked
 * throughout, so the same message run twice at once is applied once. A message already normalized
 * or ignored is left alone; a failed one is tried again (an operator's retry after a fix).
 */
export async function normalizeInboxItem(
  deps: NormalizeDeps,
  inboxId: string,
  opts: { readonly finalAttempt: boolean },
): Promise<StepResult> {
  try {
    return await deps.db.transaction().execute((trx) => normalizeLocked(trx, deps.clock, inboxId))
  } catch (err) {
    if (opts.finalAttempt) {
      // Out of retries: make the failure visible on the inbox row too, not only in the queue.
      const outcome = { reason: `gave up after repeated errors: ${errorMessage(err)}` }
      await settleIfOpen(deps, inboxId, outcome).catch(() => undefined)
    }
    throw err
  }
}

async function normalizeLocked(
  trx: Kysely<Database>,
  clock: Clock,
  inboxId: string,
): Promise<StepResult> {
  const message = await lockInboxMessage(trx, inboxId)
  if (!message) return { kind: 'permanent', reason: `inbox message ${inboxId} does not exist` }
  if (!isOpen(message.status)) return DONE
  const result = runNormalizer(message)
  const now = clock.now()
  switch (result.kind) {
    case 'ignored':
      await settleInboxMessage(trx, inboxId, 'ignored', { reason: result.reason }, now)
      return DONE
    case 'invalid':
      await settleInboxMessage(trx, inboxId, 'failed', { issues: result.issues }, now)
      return { kind: 'permanent', reason: `invalid payload: ${result.issues.join('; ')}` }
    case 'observations': {
      const origin = { channel: message.channel, accountId: message.account_id, recordedAt: now }
      const events = await applyObservations(trx, message, origin, result.observations)
      await appendEvents(trx, events, { inboxId, at: now })
      return DONE
    }
  }
}

function runNormalizer(message: InboxMessageToNormalize): NormalizeResult {
  const normalizer = normalizers[message.channel]
  if (!normalizer)
    return { kind: 'invalid', issues: [`no normalizer for channel ${message.channel}`] }
  const body = decodeJsonBody(message.raw_body)
  if (!body.ok) return { kind: 'invalid', issues: [body.issue] }
  return normalizer.normalize({
    channel: message.channel,
    accountId: message.account_id,
    topic: message.topic,
    dedupeKey: message.dedupe_key,
    receivedAt: message.received_at,
    body: body.value,
  })
}

async function applyObservations(
  trx: Kysely<Database>,
  message: InboxMessageToNormalize,
  origin: EventOrigin,
  observations: readonly Observation[],
): Promise<HubEvent[]> {
  const events: HubEvent[] = []
  for (const observation of observations) {
    for (const draft of await applyObservation(trx, message, observation)) {
      // A refund is identified by its own id, so a re-sent refund under a new webhook id is
      // dropped by the outbox key; order events come from a state change this message caused.
      const id =
        observation.kind === 'order-return'
          ? eventId(origin, 'return', observation.data.returnId)
          : eventId(origin, message.dedupe_key, String(events.length))
      events.push(toEvent(draft, origin, id))
    }
  }
  return events
}

async function applyObservation(
  trx: Kysely<Database>,
  message: InboxMessageToNormalize,
  observation: Observation,
): Promise<readonly EventDraft[]> {
  switch (observation.kind) {
    case 'order': {
      const key = {
        channel: message.channel,
        accountId: message.account_id,
        externalId: observation.snapshot.externalId,
      }
      return applyOrderSnapshot(trx, key, observation.snapshot, message.id)
    }
    case 'order-return':
      return [
        {
          type: 'order.returned.v1',
          subject: `order/${observation.data.externalOrderId}`,
          time: observation.occurredAt,
          data: observation.data,
        },
      ]
  }
}

/** Received, or failed and being retried; `normalized` and `ignored` are final. */
function isOpen(status: InboxStatus): boolean {
  return status === 'received' || status === 'failed'
}

async function settleIfOpen(
  deps: NormalizeDeps,
  inboxId: string,
  outcome: InboxOutcome,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockInboxMessage(trx, inboxId)
    if (locked && isOpen(locked.status)) {
      await settleInboxMessage(trx, inboxId, 'failed', outcome, deps.clock.now())
    }
  })
}
