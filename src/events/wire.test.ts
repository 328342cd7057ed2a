// De-risks the wire form every reader gets: the feed renders events from parsed envelopes, the
// delivery hot path splices text, and both must give the same complete event, for envelopes
// written today and for those written before `recordedat` and `datacontenttype` existed (as
// JSON.stringify wrote them, and as jsonb, which reordered members, wrote them before 0940).
import { describe, expect, it } from 'vitest'
import { toEvent } from '../outbox/event.js'
import { HubEvent } from './index.js'
import { wireEvent, wireEventText } from './wire.js'

const HUB = 'https://hub.example.com'
const current = toEvent(
  {
    type: 'order.returned.v1',
    subject: 'order/1001',
    time: '2026-12-01T09:00:00Z',
    data: { externalOrderId: '1001', returnId: 'r1', lines: [], refunded: null, note: null },
  },
  { channel: 'shopify', accountId: 'eu', recordedAt: new Date('2026-12-01T09:00:01.250Z') },
  'evt_1',
)
const { datacontenttype: _dct, recordedat: _ra, ...old } = current

/** What jsonb made of an envelope: members by length, then bytes, each followed by ": ". */
function jsonbText(envelope: Record<string, unknown>): string {
  const names = Object.keys(envelope).sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
  return `{${names.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(envelope[n])}`).join(', ')}}`
}

const complete = {
  ...current,
  datacontenttype: 'application/json',
  dataschema: `${HUB}/v1/schemas/order.returned.v1.json`,
  recordedat: '2026-12-01T09:00:01.250Z',
  recordedAt: '2026-12-01T09:00:01.250Z',
  position: 42,
}

describe('the wire form', () => {
  it('adds dataschema and position to a current envelope, data last', () => {
    const wire = wireEvent(current, '42', HUB)
    expect(HubEvent.parse(wire)).toEqual(complete)
    expect(Object.keys(wire).at(-1)).toBe('data')
  })

  it('completes an envelope written before recordedat and datacontenttype', () => {
    expect(old).not.toHaveProperty('recordedat')
    expect(wireEvent(old, 42, HUB)).toEqual(complete)
  })

  it('has no position before the relay has given one', () => {
    expect(wireEvent(current, null, HUB)).not.toHaveProperty('position')
  })

  it.each([
    ['a current envelope (spliced)', JSON.stringify(current)],
    ['an old envelope', JSON.stringify(old)],
    ['an old envelope as jsonb wrote it', jsonbText(old)],
  ])('renders the same event from the stored text of %s', (_name, text) => {
    const rendered = wireEventText(text, 'order.returned.v1', '42', HUB)
    expect(JSON.parse(rendered)).toEqual(complete)
  })

  it('gives the feed and a delivery the same bytes for a current envelope', () => {
    const text = JSON.stringify(current)
    expect(wireEventText(text, current.type, '42', HUB)).toBe(
      JSON.stringify(wireEvent(JSON.parse(text) as Record<string, unknown>, '42', HUB)),
    )
  })

  it('is not misled by a member named like an attribute inside data', () => {
    // An old envelope whose data carries `recordedat` and `datacontenttype` keys (a channel's own
    // status map can hold any key): only the envelope's own members count.
    const tricky = {
      ...old,
      data: { ...old.data, channelStatus: { recordedat: 'x', datacontenttype: 'y' } },
    }
    const rendered = JSON.parse(wireEventText(JSON.stringify(tricky), tricky.type, 1, HUB)) as {
      recordedat?: string
      datacontenttype?: string
    }
    expect(rendered.recordedat).toBe('2026-12-01T09:00:01.250Z')
    expect(rendered.datacontenttype).toBe('application/json')
  })
})
