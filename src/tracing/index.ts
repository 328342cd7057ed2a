export type { Context, Link, Span, SpanContext } from '@opentelemetry/api'
export { SpanKind } from '@opentelemetry/api'
export {
  carrierIn,
  carrierOf,
  contextWith,
  contextOf,
  linkOf,
  spanContextOf,
  storedCarrier,
  traceIdOf,
  type TraceCarrier,
} from './context.js'
export {
  createTracing,
  TRACING_OFF,
  type Tracing,
  type TracingOn,
  type TracingSettings,
} from './provider.js'
export type { PushCauses } from './push-causes.js'
export { ATTR, endWithError, markFailed, SPAN } from './spans.js'
