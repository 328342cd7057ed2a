import type { InboundMessage } from '../queues/index.js'
import { subjectsOf } from './inbox-subjects.js'
import { lockInboxStatuses } from '../db/repos/inbox.js'
import { appendAndSettle, type MessageSettlement } from '../outbox/append.js'
import { applyMessages, type MessageToApply } from './apply-observations.js'
import { isOpen, runNormalizer, type NormalizeDeps } from './normalize-inbox-item.js'
import { DONE, type StepResult } from './step-result.js'
import {
  endNormalize,
  inOutboxWrite,
  startNormalize,
  traceOutcome,
  type NormalizeTrace,
} from './normalize-trace.js'

/** `alone`: this message must take the one-at-a-time path (`normalizeInboxItem`). */
export type BatchResult = StepResult | { readonly kind: 'alone' }

const ALONE = { kind: 'alone' } as const

/**
 * Normalizes many stored webhooks in one transaction: the inbox rows are locked (a message already
 * normalized or ignored is left alone, as one at a time), every message's observations are applied
 * in the order given, and the events, search subjects and inbox statuses are written together.
 * About seven round trips whatever the batch size, instead of about seven per message.
 *
 * What the batch does not do, it hands back as `alone`: messages whose normalizer asks for channel
 * data (hydration is I/O between two transactions), a repeat of an inbox id within the batch, and
 * — if the transaction fails for any reason — every message, so that one bad message fails only
 * its own job and the others are applied on their own.
 */
export async function normalizeBatch(
  deps: NormalizeDeps,
  messages: readonly InboundMessage[],
): Promise<BatchResult[]> {
  const results: BatchResult[] = messages.map(() => ALONE)
  const seen = new Set<string>()
  const candidates: Array<{ index: number; result: ReturnType<typeof runNormalizer> }> = []
  messages.forEach((m, index) => {
    if (seen.has(m.inboxId)) return
    seen.add(m.inboxId)
    const result = runNormalizer(
      {
        channel: m.channel,
        account_id: m.accountId,
        topic: m.topic,
        dedupe_key: m.dedupeKey,
        received_at: m.receivedAt,
        raw_body: Buffer.from(m.rawBody.buffer, m.rawBody.byteOffset, m.rawBody.byteLength),
      },
      undefined,
    )
    if (result.kind !== 'hydrate') candidates.push({ index, result })
  })
  if (candidates.length === 0) return results
  // While tracing is on: each candidate's normalization span, by index.
  const { tracing } = deps
  const traces = tracing?.enabled
    ? new Map(candidates.map((c) => [c.index, startNormalize(tracing, messages[c.index]!)]))
    : undefined
  try {
    const decided = await deps.db.transaction().execute(async (trx) => {
      const statuses = await lockInboxStatuses(
        trx,
        candidates.map((c) => messages[c.index]!.inboxId),
      )
      const now = deps.clock.now()
      const decided = new Map<number, StepResult>()
      const settlements: MessageSettlement[] = []
      const toApply: Array<{ index: number; apply: MessageToApply }> = []
      for (const { index, result } of candidates) {
        const m = messages[index]!
        const status = statuses.get(m.inboxId)
        if (status === undefined) {
          decided.set(index, {
            kind: 'permanent',
            reason: `inbox message ${m.inboxId} does not exist`,
          })
          continue
        }
        if (!isOpen(status)) {
          decided.set(index, DONE)
          continue
        }
        switch (result.kind) {
          case 'ignored':
            settlements.push(settled(m, 'ignored', { reason: result.reason }))
            decided.set(index, DONE)
            break
          case 'invalid':
            settlements.push(settled(m, 'failed', { issues: result.issues }))
            decided.set(index, {
              kind: 'permanent',
              reason: `invalid payload: ${result.issues.join('; ')}`,
            })
            break
          case 'observations':
            toApply.push({
              index,
              apply: {
                message: {
                  id: m.inboxId,
                  channel: m.channel,
                  account_id: m.accountId,
                  dedupe_key: m.dedupeKey,
                  topic: m.topic,
                },
                origin: { channel: m.channel, accountId: m.accountId, recordedAt: now },
                observations: result.observations,
              },
            })
            break
          case 'hydrate':
            break // not a candidate
        }
      }
      const { events, reservations } = await applyMessages(
        trx,
        deps.log,
        deps.config.stock,
        toApply.map((t) => t.apply),
      )
      const written: NormalizeTrace[] = []
      toApply.forEach(({ index, apply }, i) => {
        const subjects = subjectsOf(apply.observations)
        const trace = traces?.get(index)
        if (trace) written.push(trace)
        settlements.push({
          inboxId: apply.message.id,
          status: 'normalized',
          events: traceOutcome(trace, messages[index]!, {
            events: events[i]!,
            subjects,
            reservations,
          }),
          subjects,
        })
        decided.set(index, DONE)
      })
      // The orders' reservations go in the same statement: one round trip fewer per batch.
      await inOutboxWrite(written, () => appendAndSettle(trx, settlements, now, reservations))
      return decided
    })
    for (const [index, result] of decided) results[index] = result
    if (traces) for (const [index, trace] of traces) endNormalize(trace, results[index]!)
  } catch (err) {
    // Each is normalized again on its own, under a span of its own.
    if (traces) for (const trace of traces.values()) endNormalize(trace, { kind: 'alone' })
    deps.log.warn(
      { err, messages: candidates.length },
      'batch normalization failed; each message is retried on its own',
    )
  }
  return results
}

function settled(
  m: InboundMessage,
  status: 'ignored' | 'failed',
  outcome: MessageSettlement['outcome'],
): MessageSettlement {
  return { inboxId: m.inboxId, status, ...(outcome ? { outcome } : {}), events: [], subjects: [] }
}
