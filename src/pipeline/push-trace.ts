import {
  ATTR,
  SPAN,
  endWithError,
  markFailed,
  type Span,
  type TracingOn,
} from '../tracing/index.js'
import type { StepResult } from './step-result.js'

/**
 * The span of one stock push job: one listing, or the many a bulk call carries. A push serves
 * every change of its SKUs since the last one, so it has no parent; it links to the traces of the
 * webhooks whose changes it sends (taken from `PushCauses`, where the relay left them).
 */
export async function startPushSpan(
  tracing: TracingOn,
  push: {
    readonly channel: string
    readonly accountId: string
    readonly listingIds: readonly string[]
  },
): Promise<Span> {
  const links = await tracing.causes.take(push.listingIds)
  return tracing.tracer.startSpan(SPAN.stockPush, {
    root: true,
    links,
    attributes: {
      [ATTR.channel]: push.channel,
      [ATTR.account]: push.accountId,
      [ATTR.listingIds]: [...push.listingIds],
      [ATTR.batchSize]: push.listingIds.length,
    },
  })
}

export function endPushSpan(span: Span, result: StepResult): void {
  span.setAttribute(ATTR.outcome, result.kind)
  if (result.kind === 'permanent' || result.kind === 'retry') markFailed(span, result.reason)
  span.end()
}

/** Ends the span of a push job that threw (the queue retries it). */
export function failPushSpan(span: Span, err: unknown): void {
  endWithError(span, err)
}
