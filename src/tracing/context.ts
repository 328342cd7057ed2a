import {
  ROOT_CONTEXT,
  TraceFlags,
  createTraceState,
  isSpanContextValid,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api'

/**
 * A W3C trace context as it travels with the work: in an inbox row (`trace_context`), an inbound
 * job, an event envelope (the CloudEvents distributed tracing extension) and an HTTP request.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export interface TraceCarrier {
  readonly traceparent: string
  readonly tracestate?: string
}

// version - trace id - parent id - flags; version ff is invalid (§3.2.2.1).
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/

/** The carrier of a span's context (what a traceparent header says about it). */
export function carrierOf(span: SpanContext): TraceCarrier {
  const traceparent = `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & TraceFlags.SAMPLED).toString(16)}`
  const tracestate = span.traceState?.serialize()
  return tracestate ? { traceparent, tracestate } : { traceparent }
}

/**
 * The span context a carrier names, or undefined for anything that is not a valid one (a stored
 * value from another version, a hand-edited job, a forged header): tracing never fails the work.
 */
export function spanContextOf(carrier: unknown): SpanContext | undefined {
  if (typeof carrier !== 'object' || carrier === null) return undefined
  const { traceparent, tracestate } = carrier as Record<string, unknown>
  if (typeof traceparent !== 'string') return undefined
  const match = TRACEPARENT.exec(traceparent.trim())
  if (!match) return undefined
  const context: SpanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(typeof tracestate === 'string' && tracestate !== ''
      ? { traceState: createTraceState(tracestate) }
      : {}),
  }
  return isSpanContextValid(context) ? context : undefined
}

/** The trace id a carrier names (for log lines), or undefined when it names none validly. */
export function traceIdOf(carrier: unknown): string | undefined {
  return spanContextOf(carrier)?.traceId
}

/** The context to start a child span in: the carrier's, or none (a new trace) when it is not valid. */
export function contextOf(carrier: unknown): Context | undefined {
  const span = spanContextOf(carrier)
  return span && trace.setSpanContext(ROOT_CONTEXT, span)
}

/** The context of a span, to start its children in. */
export function contextWith(span: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, span)
}

/** The carrier of the span a context holds, if any. */
export function carrierIn(context: Context): TraceCarrier | undefined {
  const span = trace.getSpanContext(context)
  return span && carrierOf(span)
}

/** A link to the span a carrier names (see `spanContextOf`). */
export function linkOf(carrier: unknown): Link | undefined {
  const context = spanContextOf(carrier)
  return context && { context }
}

/** The carrier to store, from a value read back (a jsonb column, job data): only a valid one. */
export function storedCarrier(value: unknown): TraceCarrier | undefined {
  const context = spanContextOf(value)
  return context && carrierOf(context)
}
