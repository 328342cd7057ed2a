import type { MiddlewareHandler } from 'hono'
import {
  ATTR,
  SPAN,
  SpanKind,
  contextWith,
  endWithError,
  markFailed,
  type TracingOn,
} from '../../tracing/index.js'
import type { AppEnv } from '../env.js'

/**
 * The SERVER span of a webhook's request, the root of its trace (mounted only while tracing is
 * on). A `traceparent` the marketplace sent is not joined: the route is public, and a forged one
 * would graft webhooks onto traces of someone's choosing; each webhook starts its own trace.
 * Handlers find the span's context in `c.get('trace')`.
 */
export function traceWebhook(tracing: TracingOn): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const span = tracing.tracer.startSpan(SPAN.webhook, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': c.req.method,
        'http.route': '/webhooks/{channel}/{account}',
        [ATTR.channel]: c.req.param('channel'),
        [ATTR.account]: c.req.param('account'),
      },
    })
    c.set('trace', contextWith(span))
    // The request's log lines name its trace, to go from a log line to the trace.
    c.set('log', c.get('log').child({ traceId: span.spanContext().traceId }))
    try {
      await next()
    } catch (err) {
      endWithError(span, err)
      throw err
    }
    span.setAttribute('http.response.status_code', c.res.status)
    // Per the HTTP conventions, a server's 4xx is the client's error, not the span's.
    if (c.res.status >= 500) markFailed(span, `HTTP ${c.res.status}`)
    span.end()
  }
}
