// De-risks the additive-only check of the event schema: it refuses each kind of change that
// breaks a subscriber or an already-published event, names where, and lets additions through.
import { describe, expect, it } from 'vitest'
import type { SchemaNode as Schema } from '../../src/events/schema-node.js'
import { additiveProblems } from './additive-schema.js'

/** A schema the tests edit in place. */
interface Node {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  anyOf?: Node[]
  oneOf?: Node[]
  properties?: Record<string, Node>
  required?: string[]
  additionalProperties?: boolean | Node
  items?: Node
  [keyword: string]: unknown
}
const prop = (node: Node, name: string): Node => node.properties![name]!

const released: Node = {
  oneOf: [
    {
      type: 'object',
      properties: {
        type: { type: 'string', const: 'order.created.v1' },
        data: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['pending', 'paid'] },
            note: { type: ['string', 'null'] },
            quantity: { type: 'integer', minimum: 0, maximum: 100 },
            sku: { type: 'string', minLength: 1 },
            lines: {
              type: 'array',
              items: {
                type: 'object',
                properties: { id: { type: 'string' } },
                required: ['id'],
                additionalProperties: false,
              },
            },
            address: {
              anyOf: [
                {
                  type: 'object',
                  properties: { city: { type: 'string' } },
                  required: ['city'],
                  additionalProperties: false,
                },
                { type: 'null' },
              ],
            },
            channel: { type: 'string', enum: ['shopify', 'amazon'] },
            unit: { type: 'string', const: 'each' },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
          required: ['status', 'note', 'quantity', 'lines'],
          additionalProperties: false,
        },
      },
      required: ['type', 'data'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { type: 'string', const: 'order.cancelled.v1' } },
      required: ['type'],
    },
  ],
}

/** `released` changed by `change`, which edits the created event's `data` schema. */
function changed(change: (data: Node, root: Node) => void): Schema {
  const root = structuredClone(released)
  change(prop(root.oneOf![0]!, 'data'), root)
  return root
}

describe('the additive-only check', () => {
  it('accepts the same schema', () => {
    expect(additiveProblems(released, structuredClone(released))).toEqual([])
  })

  it('accepts additions: an event type, an optional property, an enum value, an alternative', () => {
    const current = changed((data, root) => {
      root.oneOf!.push({ properties: { type: { const: 'order.returned.v1' } } })
      data.properties!.giftWrap = { type: 'boolean' }
      prop(data, 'status').enum!.push('refunded')
      data.properties!.channel = {
        anyOf: [prop(data, 'channel'), { type: 'string', const: 'hub' }],
      }
      prop(data, 'lines').items!.properties!.title = { type: 'string' }
    })
    expect(additiveProblems(released, current)).toEqual([])
  })

  it('accepts loosened bounds', () => {
    const current = changed((data) => {
      prop(data, 'quantity').maximum = 1_000
      prop(data, 'quantity').minimum = -1
      delete prop(data, 'sku').minLength
    })
    expect(additiveProblems(released, current)).toEqual([])
  })

  it.each<[string, (data: Node, root: Node) => void, string[]]>([
    [
      'a removed event type',
      (_data, root) => root.oneOf!.pop(),
      ['order.cancelled.v1: event type removed'],
    ],
    [
      'a removed property',
      (data) => delete data.properties!.sku,
      ['order.created.v1.data: property "sku" removed'],
    ],
    [
      'a removed property inside an array item',
      (data) => {
        delete prop(data, 'lines').items!.properties!.id
        prop(data, 'lines').items!.required = []
      },
      ['order.created.v1.data.lines[]: property "id" removed'],
    ],
    [
      'a removed property inside one alternative of anyOf',
      (data) => {
        delete prop(data, 'address').anyOf![0]!.properties!.city
        prop(data, 'address').anyOf![0]!.required = []
      },
      ['order.created.v1.data.address: property "city" removed'],
    ],
    [
      'an optional property newly required',
      (data) => data.required!.push('sku'),
      ['order.created.v1.data: "sku" newly required'],
    ],
    [
      'a new property that is required',
      (data) => {
        data.properties!.currency = { type: 'string' }
        data.required!.push('currency')
      },
      ['order.created.v1.data: "currency" newly required'],
    ],
    [
      'a required property made optional',
      (data) => data.required!.splice(data.required!.indexOf('quantity'), 1),
      ['order.created.v1.data: "quantity" no longer required'],
    ],
    [
      'a type changed',
      (data) => (prop(data, 'quantity').type = 'string'),
      ['order.created.v1.data.quantity: type changed from integer to string'],
    ],
    [
      'a type narrowed (null no longer allowed)',
      (data) => (prop(data, 'note').type = 'string'),
      ['order.created.v1.data.note: type changed from null|string to string'],
    ],
    [
      'a type widened (null now possible)',
      (data) => (prop(data, 'sku').type = ['string', 'null']),
      ['order.created.v1.data.sku: type changed from string to null|string'],
    ],
    [
      'an alternative dropped',
      (data) => (data.properties!.address = prop(data, 'address').anyOf![0]!),
      ['order.created.v1.data.address: type changed from null|object to object'],
    ],
    [
      'an enum value removed',
      (data) => (prop(data, 'status').enum = ['pending']),
      ['order.created.v1.data.status: enum values removed: paid'],
    ],
    [
      'a free string narrowed to an enum',
      (data) => (prop(data, 'sku').enum = ['A']),
      ['order.created.v1.data.sku: narrowed to an enum'],
    ],
    [
      'an event type renamed',
      (_data, root) => (prop(root.oneOf![1]!, 'type').const = 'order.canceled.v1'),
      ['order.cancelled.v1: event type removed'],
    ],
    [
      'a const changed',
      (data) => (prop(data, 'unit').const = 'pair'),
      ['order.created.v1.data.unit: const "each" changed'],
    ],
    [
      'bounds tightened and a pattern added',
      (data) => {
        prop(data, 'quantity').maximum = 10
        prop(data, 'sku').minLength = 3
        prop(data, 'sku').pattern = '^[A-Z]+$'
      },
      [
        'order.created.v1.data.quantity: maximum lowered to 10',
        'order.created.v1.data.sku: minLength raised to 3',
        'order.created.v1.data.sku: pattern changed',
      ],
    ],
    [
      'an open map closed',
      (data) => (prop(data, 'labels').additionalProperties = false),
      ['order.created.v1.data.labels: no longer allows other properties'],
    ],
    [
      'the values of an open map narrowed',
      (data) => (prop(data, 'labels').additionalProperties = { type: 'integer' }),
      ['order.created.v1.data.labels.*: type changed from string to integer'],
    ],
  ])('refuses %s', (_name, change, problems) => {
    expect(additiveProblems(released, changed(change))).toEqual(problems)
  })
})
