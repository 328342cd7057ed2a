import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { getInboxMessage, lockInboxMessage, settleInboxMessage } from '../db/repos/inbox.js'
import type { Database, InboxMessage, InboxOutcome } from '../db/schema.js'
import type { HubEvent } from '../events/index.js'
import { errorMessage } from '../errors.js'
import { applyOrderSnapshot } from '../orders/apply.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
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
 * the order state and the outbox events commit together or not at all. Safe to run again for the
 * same message: a message already normalized or ignored is left alone, and a failed one is retried.
 */
export async function normalizeInboxItem(
  deps: NormalizeDeps,
  inboxId: string,
  opts: { readonly finalAttempt: boolean },
): Promise<StepResult> {
  try {
    return await normalize(deps, inboxId)
  } catch (err) {
    if (opts.finalAttempt) {
      // Out of retries: make the failure visible on the inbox row too, not only in the queue.
      const outcome = { reason: `gave up after repeated errors: ${errorMessage(err)}` }
      await settleIfOpen(deps, inboxId, 'failed', outcome).catch(() => undefined)
    }
    throw err
  }
}

async function normalize(deps: NormalizeDeps, inboxId: string): Promise<StepResult> {
  const message = await getInboxMessage(deps.db, inboxId)
  if (!message) return { kind: 'permanent', reason: `inbox message ${inboxId} does not exist` }
  if (!isOpen(message.status)) return DONE
  const result = runNormalizer(message)
  switch (result.kind) {
    case 'ignored':
      await settleIfOpen(deps, inboxId, 'ignored', { reason: result.reason })
      return DONE
    case 'invalid':
      await settleIfOpen(deps, inboxId, 'failed', { issues: result.issues })
      return { kind: 'permanent', reason: `invalid payload: ${result.issues.join('; ')}` }
    case 'observations':
      await applyObservations(deps, message, result.observations)
      return DONE
  }
}

function runNormalizer(message: InboxMessage): NormalizeResult {
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
  deps: NormalizeDeps,
  message: InboxMessage,
  observations: readonly Observation[],
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockInboxMessage(trx, message.id)
    if (!locked || !isOpen(locked.status)) return // another worker finished it first
    const origin: EventOrigin = {
      channel: message.channel,
      accountId: message.account_id,
      recordedAt: deps.clock.now(),
    }
    const events: HubEvent[] = []
    for (const observation of observations) {
      for (const draft of await applyObservation(trx, message, observation)) {
        const id =
          observation.kind === 'order-return'
            ? eventId(origin, 'return', observation.data.returnId)
            : eventId(origin, message.dedupe_key, String(events.length))
        events.push(toEvent(draft, origin, id))
      }
    }
    const appended = await appendEvents(trx, events, message.id)
    await settleInboxMessage(trx, message.id, 'normalized', { events: appended }, origin.recordedAt)
  })
}

async function applyObservation(
  trx: Kysely<Database>,
  message: InboxMessage,
  observation: Observation,
) {
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
          type: 'order.returned.v1' as const,
          subject: `order/${observation.data.externalOrderId}`,
          time: observation.occurredAt,
          data: observation.data,
        },
      ]
  }
}

/** Received, or failed and being retried; `normalized` and `ignored` are final. */
function isOpen(status: InboxMessage['status']): boolean {
  return status === 'received' || status === 'failed'
}

async function settleIfOpen(
  deps: NormalizeDeps,
  inboxId: string,
  status: 'ignored' | 'failed',
  outcome: InboxOutcome,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockInboxMessage(trx, inboxId)
    if (locked && isOpen(locked.status)) {
      await settleInboxMessage(trx, inboxId, status, outcome, deps.clock.now())
    }
  })
}
