import { createRequire } from 'node:module'
import type { Tracer } from '@opentelemetry/api'
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http'
import type * as Resources from '@opentelemetry/resources'
import type * as TraceBase from '@opentelemetry/sdk-trace-base'
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base'
import type * as Conventions from '@opentelemetry/semantic-conventions'
import type { RedisClient } from '../redis-client.js'
import type { TracingConfig } from '../config/index.js'
import { createPushCauses, type PushCauses } from './push-causes.js'

/**
 * The hub's tracing: off (the default) or on. Every traced site checks `enabled` first and does
 * nothing else when it is false: no span, no context serialized, no column or attribute written.
 */
export type Tracing = TracingOff | TracingOn

export interface TracingOff {
  readonly enabled: false
  shutdown(): Promise<void>
}

export interface TracingOn {
  readonly enabled: true
  readonly tracer: Tracer
  readonly causes: PushCauses
  /** Exports what is buffered, then stops (hub shutdown). */
  shutdown(): Promise<void>
}

export const TRACING_OFF: TracingOff = { enabled: false, shutdown: () => Promise.resolve() }

/** The configured tracing (OTEL_* variables, src/config/env.ts) with the hub's version. */
export type TracingSettings = TracingConfig & { readonly serviceVersion: string }

// The SDK is loaded only when tracing is on: loading it costs a hub that does not trace ~80 ms of
// start-up and ~10 MB (measured on this VM; the API package, which every traced site names, stays
// a static import). Each package ships a CommonJS build, so `require` loads it synchronously.
const load = createRequire(import.meta.url)
const sdk = {
  trace: () => load('@opentelemetry/sdk-trace-base') as typeof TraceBase,
  exporter: () => load('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp,
  resources: () => load('@opentelemetry/resources') as typeof Resources,
  conventions: () => load('@opentelemetry/semantic-conventions') as typeof Conventions,
}

/**
 * Builds the tracer provider when tracing is configured: OTLP/HTTP through a BatchSpanProcessor,
 * or, for a test, the `exporter` it hands in (every span, exported as it ends). Without either,
 * no SDK object is created at all. The provider is not registered as OpenTelemetry's global one:
 * the hub passes its tracer and every parent context explicitly, so several hubs in one process
 * (tests, `hub simulate`) keep their spans apart, and nothing else in the process is affected.
 */
export function createTracing(
  settings: TracingSettings | undefined,
  causes: { readonly redis: RedisClient; readonly prefix: string },
  exporter?: SpanExporter,
): Tracing {
  if (!settings && !exporter) return TRACING_OFF
  const { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } =
    sdk.trace()
  const { OTLPTraceExporter } = sdk.exporter()
  const { resourceFromAttributes } = sdk.resources()
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = sdk.conventions()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings?.serviceName ?? 'marketplace-hub',
      ...(settings ? { [ATTR_SERVICE_VERSION]: settings.serviceVersion } : {}),
    }),
    sampler: settings ? sampler(settings) : new AlwaysOnSampler(),
    spanProcessors: [
      exporter
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings!.tracesUrl })),
    ],
  })
  return {
    enabled: true,
    tracer: provider.getTracer('marketplace-hub'),
    causes: createPushCauses(causes.redis, causes.prefix),
    shutdown: () => provider.shutdown(),
  }
}

function sampler(settings: TracingSettings): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } =
    sdk.trace()
  const ratio = () => new TraceIdRatioBasedSampler(settings.samplerArg)
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return ratio()
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() })
  }
}
