// Redaction of stored bodies by each channel's personal-data.ts, over the marketplaces' own
// published examples and the recorded fixtures. The risks: a personal value left in place (an
// e-mail, name, phone, address line, buyer id, tax id); a non-personal value changed (order ids,
// SKUs, quantities, prices, times: the redacted body must still say what the order was); the
// body's shape changed (a key dropped, a big id rounded); an SNS envelope's inner JSON skipped.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listFixtures } from '../../test/helpers/fixtures.js'
import { CHANNEL_IDS } from '../../src/events/index.js'
import { personalData, REDACTED, redactBody, scrubBody } from '../index.js'

const sample = (path: string) =>
  readFileSync(new URL(`../../test/samples/${path}`, import.meta.url))

/** Every key path of a JSON value (array indices as `[]`), to compare shapes. */
function paths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => paths(v, `${at}[]`))
  if (typeof value !== 'object' || value === null) return [at]
  return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...paths(v, `${at}.${k}`)])
}

const cases = [
  {
    channel: 'shopify',
    file: 'shopify/order.test_8.json',
    personal: ['bob.norman@mail.example.com', 'Chestnut Street 92', '+1(502)-459-2181', 'Norman'],
    kept: ['IPOD2008GREEN', '450789469', '"quantity":1', '199.00'],
  },
  {
    channel: 'walmart',
    file: 'walmart/get-order.ORDER.response.json',
    personal: [
      '7D9F02968955480499C84C5871AD1401@relay.walmart.com',
      'Donald Ashley',
      '6600 gazebo drive',
      '3143450432',
    ],
    kept: ['YHY-FN25200B2', '1815367951431', '4372135469400', '1623796407000'],
  },
  {
    channel: 'tiktok-shop',
    file: 'tiktok-shop/get-order-detail-202507.response.json',
    personal: [
      'v2b2V5@chat.seller.tiktok.com',
      'David Kong',
      'TikTok 5800 bristol Pkwy',
      '(+1)213-***-1234',
      '7021436810468230477',
      '3213-31231412',
      'John Smith',
      'Please ship asap!',
    ],
    kept: ['576461413038785752', 'red_iphone_256', '"sub_total":"5000"', 'UNPAID'],
  },
  {
    channel: 'amazon',
    file: 'amazon/ORDER_CHANGE.schema-example.json',
    personal: ['48110'],
    kept: ['903-8868176-2219830', 'SellerSKUID1', '"Quantity":10', 'Unshipped'],
  },
] as const

describe('redacting a stored body', () => {
  it.each(cases)(
    '$channel: personal values replaced, everything else kept, same shape',
    ({ channel, file, personal, kept }) => {
      const raw = sample(file)
      const before = raw.toString('utf8')
      for (const value of personal) expect(before).toContain(value)
      const redacted = redactBody(raw, personalData[channel])
      const text = redacted.body.toString('utf8')
      expect(redacted.kind).toBe('fields')
      for (const value of personal) expect(text).not.toContain(value)
      for (const value of kept) expect(text.replace(/\s/g, '')).toContain(value)
      expect(text).toContain(REDACTED)
      expect(paths(JSON.parse(text))).toEqual(paths(JSON.parse(before)))
      expect(redacted.found).toEqual(expect.arrayContaining([...personal]))
    },
  )

  it('keeps integers beyond 2^53 digit for digit', () => {
    const raw = Buffer.from('{"id":12345678901234567890,"email":"a@b.example","total":"1.00"}')
    const text = redactBody(raw, personalData.shopify).body.toString('utf8')
    expect(text).toBe('{"id":12345678901234567890,"email":"[redacted]","total":"1.00"}')
  })

  it('looks into the JSON an SNS envelope carries in Message', () => {
    const fixture = listFixtures('amazon').find((f) => f.name === 'ORDER_CHANGE/unshipped-sns')!
    expect(fixture.body).toContain('98101')
    const text = redactBody(Buffer.from(fixture.body), personalData.amazon).body.toString('utf8')
    const inner = JSON.parse((JSON.parse(text) as { Message: string }).Message) as {
      Payload: {
        OrderChangeNotification: { AmazonOrderId: string; Summary: Record<string, unknown> }
      }
    }
    expect(inner.Payload.OrderChangeNotification.Summary.DestinationPostalCode).toBe(REDACTED)
    expect(inner.Payload.OrderChangeNotification.AmazonOrderId).toBe('113-2846105-7739201')
  })

  it('replaces a body that is not JSON whole, saying so', () => {
    const redacted = redactBody(Buffer.from('email=a%40b.example&name=Ava'), personalData.walmart)
    expect(redacted).toEqual({ body: Buffer.from(REDACTED), found: [], kind: 'whole' })
  })

  it.each(CHANNEL_IDS)(
    '%s: every recorded fixture redacts to JSON of the same shape',
    (channel) => {
      for (const fixture of listFixtures(channel)) {
        const redacted = redactBody(Buffer.from(fixture.body), personalData[channel])
        if (redacted.kind === 'whole') continue
        expect(paths(JSON.parse(redacted.body.toString('utf8'))), fixture.name).toEqual(
          paths(JSON.parse(fixture.body)),
        )
      }
    },
  )
})

describe("scrubbing one buyer's known values", () => {
  it('replaces whole values inside strings only, ignoring case, never inside a number or id', () => {
    const raw = Buffer.from(
      '{"note":"Ship to AVA REED please","phone":"5550100","n":155501009,"line":"14555010099"}',
    )
    const text = scrubBody(raw, ['Ava Reed', '5550100']).toString('utf8')
    expect(text).toBe(
      '{"note":"Ship to [redacted] please","phone":"[redacted]","n":155501009,"line":"14555010099"}',
    )
  })
})
