// De-risks the binary content mode's headers: the CloudEvents HTTP binding says which attributes
// become which headers and how their values are encoded, and a receiver that follows it must read
// back exactly what the hub meant (a subject with a space or an accent included).
import { describe, expect, it } from 'vitest'
import { binaryMessage, percentEncodeHeaderValue, structuredMessage } from './http-binding.js'

describe('header value percent-encoding', () => {
  it('encodes the binding example as the binding does', () => {
    // https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#3132-http-header-values
    expect(percentEncodeHeaderValue('Euro € 😀')).toBe('Euro%20%E2%82%AC%20%F0%9F%98%80')
  })

  it('encodes space, double quote, percent and what is not printable ASCII; nothing else', () => {
    expect(percentEncodeHeaderValue('sku/A "B" 100%\té')).toBe('sku/A%20%22B%22%20100%25%09%C3%A9')
    const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
      String.fromCharCode(0x21 + i),
    )
      .filter((c) => c !== '"' && c !== '%')
      .join('')
    expect(percentEncodeHeaderValue(printable)).toBe(printable)
  })

  it('round-trips through a single percent-decoding', () => {
    const value = 'order/Ünïcode "quoted" 50% off ✓'
    expect(decodeURIComponent(percentEncodeHeaderValue(value))).toBe(value)
  })
})

const event = {
  id: 'evt_1',
  type: 'order.created.v1',
  specversion: '1.0',
  source: '/shopify/eu',
  subject: 'sku/blue shirt',
  time: '2026-12-01T09:00:00.000Z',
  datacontenttype: 'application/json',
  recordedat: '2026-12-01T09:00:01.000Z',
  recordedAt: '2026-12-01T09:00:01.000Z',
  channel: 'shopify',
  account: 'eu',
  dataschema: 'https://hub.example.com/v1/schemas/order.created.v1.json',
  position: 7,
  data: { order: { externalId: '1' } },
}

describe('content modes', () => {
  it('binary: data as the body, every other valid attribute as a ce- header', () => {
    expect(binaryMessage(event)).toEqual({
      headers: {
        'content-type': 'application/json',
        'ce-id': 'evt_1',
        'ce-type': 'order.created.v1',
        'ce-specversion': '1.0',
        'ce-source': '/shopify/eu',
        'ce-subject': 'sku/blue%20shirt',
        'ce-time': '2026-12-01T09:00:00.000Z',
        'ce-recordedat': '2026-12-01T09:00:01.000Z',
        'ce-channel': 'shopify',
        'ce-account': 'eu',
        'ce-dataschema': 'https://hub.example.com/v1/schemas/order.created.v1.json',
        'ce-position': '7',
      },
      body: '{"order":{"externalId":"1"}}',
    })
  })

  it('structured: the event JSON as it is, as the JSON event format', () => {
    const text = JSON.stringify(event)
    expect(structuredMessage(text)).toEqual({
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: text,
    })
  })
})
