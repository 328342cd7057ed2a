// De-risks the queue hop of a trace: a context written into a row, a job or an event envelope
// must come back as the same span context, and a stored one that is malformed (hand-edited,
// another version, a forged header) must be ignored, never fail the work that carries it.
import { TraceFlags } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { envelopeTraceContext } from '../events/index.js'
import { toEvent, withTraceContext } from '../outbox/event.js'
import { wireEventText } from '../events/wire.js'
import { carrierIn, carrierOf, contextOf, linkOf, spanContextOf, storedCarrier } from './context.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN_ID = '00f067aa0ba902b7'
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`

describe('trace carriers', () => {
  it('round-trips a span context through its carrier, trace state included', () => {
    const carrier = { traceparent: TRACEPARENT, tracestate: 'vendor=a1,other=b2' }
    const context = spanContextOf(carrier)
    expect(context).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    })
    expect(carrierOf(context!)).toEqual(carrier)
    // Through a Context, as a child span would be started in it, and back.
    expect(carrierIn(contextOf(carrier)!)).toEqual(carrier)
    expect(linkOf(carrier)?.context.spanId).toBe(SPAN_ID)
  })

  it('keeps an unsampled context unsampled, and writes no empty tracestate', () => {
    const carrier = { traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` }
    expect(carrierOf(spanContextOf(carrier)!)).toEqual(carrier)
  })

  it.each([
    ['nothing', undefined],
    ['null (a row written while tracing was off)', null],
    ['a string instead of an object', TRACEPARENT],
    ['no traceparent', { tracestate: 'a=b' }],
    ['a number', { traceparent: 42 }],
    ['garbage', { traceparent: 'not-a-trace' }],
    ['upper-case hex', { traceparent: TRACEPARENT.toUpperCase() }],
    ['version ff', { traceparent: `ff-${TRACE_ID}-${SPAN_ID}-01` }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }],
    ['an all-zero span id', { traceparent: `00-${TRACE_ID}-${'0'.repeat(16)}-01` }],
    ['a short trace id', { traceparent: `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01` }],
  ])('ignores a malformed stored context: %s', (_name, stored) => {
    expect(spanContextOf(stored)).toBeUndefined()
    expect(contextOf(stored)).toBeUndefined()
    expect(linkOf(stored)).toBeUndefined()
    expect(storedCarrier(stored)).toBeUndefined()
  })

  it('ignores a malformed tracestate but keeps the traceparent', () => {
    const context = spanContextOf({ traceparent: TRACEPARENT, tracestate: '=,,not valid' })
    expect(context?.spanId).toBe(SPAN_ID)
  })
})

describe('the distributed tracing extension on an event', () => {
  const event = toEvent(
    {
      type: 'order.returned.v1',
      subject: 'order/1001',
      time: '2026-12-01T09:00:00Z',
      // A note that looks like the attributes must not be taken for them.
      data: {
        externalOrderId: '1001',
        returnId: 'r1',
        lines: [],
        refunded: null,
        note: '"traceparent":"00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01"',
      },
    },
    { channel: 'shopify', accountId: 'eu', recordedAt: new Date('2026-12-01T09:00:01Z') },
    'evt_1',
  )

  it('is read back from the stored text, and data stays the last member on the wire', () => {
    const stamped = withTraceContext(event, { traceparent: TRACEPARENT, tracestate: 'v="q\\"' })
    const text = JSON.stringify(stamped)
    expect(envelopeTraceContext(text)).toEqual({ traceparent: TRACEPARENT, tracestate: 'v="q\\"' })
    const wire = JSON.parse(
      wireEventText(text, event.type, 7, 'https://hub.example.com'),
    ) as Record<string, unknown>
    expect(Object.keys(wire).at(-1)).toBe('data')
    expect(wire).toMatchObject({ traceparent: TRACEPARENT, position: 7 })
  })

  it('is absent from an event written while tracing was off, whatever its data says', () => {
    expect(envelopeTraceContext(JSON.stringify(event))).toBeUndefined()
  })
})
