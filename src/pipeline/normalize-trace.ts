import type { HubEvent } from '../events/index.js'
import { withTraceContext } from '../outbox/event.js'
import {
  ATTR,
  SPAN,
  carrierOf,
  contextOf,
  contextWith,
  endWithError,
  markFailed,
  type Span,
  type TraceCarrier,
  type TracingOn,
} from '../tracing/index.js'
import type { InboxSubject } from '../db/repos/inbox-search.js'
import type { ReservationWrites } from '../db/repos/reservations.js'
import type { StepResult } from './step-result.js'

/** One webhook's normalization span, while tracing is on, and what tracing its steps needs. */
export interface NormalizeTrace {
  readonly tracing: TracingOn
  readonly span: Span
  /** The span's own context: the parent of its events' deliveries. */
  readonly carrier: TraceCarrier
}

/**
 * Starts the span of one message's normalization in the trace of the request that delivered it
 * (carried across the queue by the job, or read back from the inbox row by the sweeper); a
 * message without one (order sync, a replay, a malformed context) starts a trace of its own.
 */
export function startNormalize(
  tracing: TracingOn,
  message: {
    readonly inboxId: string
    /** Absent when the message is not read yet (set on the span once it is). */
    readonly channel?: string
    readonly accountId?: string
    readonly topic?: string
    readonly traceContext?: unknown
  },
): NormalizeTrace {
  const span = tracing.tracer.startSpan(
    SPAN.normalize,
    {
      attributes: {
        [ATTR.inboxId]: message.inboxId,
        ...(message.channel !== undefined ? { [ATTR.channel]: message.channel } : {}),
        ...(message.accountId !== undefined ? { [ATTR.account]: message.accountId } : {}),
        ...(message.topic !== undefined ? { [ATTR.topic]: message.topic } : {}),
      },
    },
    contextOf(message.traceContext),
  )
  return { tracing, span, carrier: carrierOf(span.spanContext()) }
}

/** Ends a normalization's span with how its step ended. */
export function endNormalize(trace: NormalizeTrace, result: StepResult | { kind: string }): void {
  trace.span.setAttribute(ATTR.outcome, result.kind)
  if (result.kind === 'permanent' || result.kind === 'retry')
    markFailed(trace.span, 'reason' in result ? String(result.reason) : result.kind)
  trace.span.end()
}

/**
 * The events of a traced normalization, each carrying its context (the CloudEvents distributed
 * tracing extension), so every delivery attempt joins the webhook's trace; and the SKUs it
 * touched noted as causes of their next stock pushes (see `PushCauses`): those whose
 * reservations its orders changed (internal SKUs, from the reservation notes) and those its
 * stock reports name. Noted before the transaction commits: the relay can only see the SKUs'
 * changes after, so their pushes find the causes waiting. Untraced, the events as they are.
 */
export function traceOutcome(
  trace: NormalizeTrace | undefined,
  message: { readonly channel: string; readonly accountId: string },
  result: {
    readonly events: readonly HubEvent[]
    readonly subjects: readonly InboxSubject[]
    readonly reservations: ReservationWrites
  },
): readonly HubEvent[] {
  const { events, subjects } = result
  if (!trace) return events
  const orders = new Set(subjects.flatMap((s) => (s.kind === 'order' ? [s.value] : [])))
  const reserved = result.reservations.notes.flatMap((n) =>
    n.channel === message.channel &&
    n.account_id === message.accountId &&
    orders.has(String(n.order_id))
      ? [String(n.sku)]
      : [],
  )
  const reported = subjects.flatMap((s) => (s.kind === 'sku' ? [s.value] : []))
  const skus = [...new Set([...reserved, ...reported])]
  if (skus.length > 0) trace.tracing.causes.note([{ skus, cause: trace.carrier }])
  trace.span.setAttribute(ATTR.events, events.length)
  return events.map((e) => withTraceContext(e, trace.carrier))
}

/**
 * Runs the outbox write (one statement, shared by a batch's messages) as a child span of each
 * traced message's normalization; with none traced, just runs it.
 */
export async function inOutboxWrite<T>(
  traces: readonly NormalizeTrace[],
  write: () => Promise<T>,
): Promise<T> {
  if (traces.length === 0) return write()
  const spans = traces.map((t) =>
    t.tracing.tracer.startSpan(SPAN.outboxWrite, {}, contextWith(t.span)),
  )
  try {
    const result = await write()
    for (const span of spans) span.end()
    return result
  } catch (err) {
    for (const span of spans) endWithError(span, err)
    throw err
  }
}
