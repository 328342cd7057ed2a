// De-risks the one dispatch every channel's normalizer is built with (byTopic): a topic without a
// handler is ignored unread, a payload the mapping cannot map is `invalid` rather than a crash,
// and no observation leaves with a time the contract refuses, whichever channel mapped it.
import { describe, expect, it } from 'vitest'
import type { NormalizeInput, NormalizeResult, Observation } from '../types.js'
import { byTopic, type TopicHandler } from './dispatch.js'
import { InvalidPayloadError } from './invalid.js'
import { done } from './result.js'

const BAD_TIME = '2026-11-22T12:00:00'

function input(topic: string, body: unknown = {}): NormalizeInput {
  return {
    channel: 'shopify',
    accountId: 'demo',
    topic,
    dedupeKey: 'k',
    receivedAt: new Date('2026-11-22T12:00:00Z'),
    body,
  }
}

const answering = (result: NormalizeResult) => byTopic(new Map([['t', () => result]]))

const listing = {
  sellerSku: 'SKU-1',
  productId: null,
  unitId: null,
  locationId: null,
  marketplaceId: null,
}

describe('byTopic', () => {
  it('ignores a topic without a handler, without reading its body', () => {
    const unreadable = new Proxy(
      {},
      {
        get() {
          throw new Error('the body was read')
        },
      },
    )
    expect(byTopic(new Map()).normalize(input('orders/delete', unreadable))).toEqual({
      kind: 'ignored',
      reason: 'topic orders/delete is not consumed',
    })
  })

  it('turns an InvalidPayloadError into `invalid`, and lets any other error through', () => {
    const throwing =
      (err: Error): TopicHandler =>
      () => {
        throw err
      }
    const invalid = byTopic(
      new Map([['t', throwing(new InvalidPayloadError('too big', ['a', 0]))]]),
    )
    expect(invalid.normalize(input('t'))).toEqual({ kind: 'invalid', issues: ['a.0: too big'] })
    const bug = byTopic(new Map([['t', throwing(new TypeError('a bug'))]]))
    expect(() => bug.normalize(input('t'))).toThrow('a bug')
  })

  const timed: readonly [string, Observation][] = [
    [
      'inventory',
      {
        kind: 'inventory-level',
        occurredAt: BAD_TIME,
        data: { listing, available: 1, onHand: null, stockStatus: null, channelStatus: {} },
      },
    ],
    [
      'listing',
      {
        kind: 'listing-status',
        occurredAt: BAD_TIME,
        data: { listing, status: 'active', channelStatus: {}, reason: null, changedFields: [] },
      },
    ],
    [
      'return',
      {
        kind: 'order-return',
        occurredAt: BAD_TIME,
        data: { externalOrderId: '1', returnId: '2', lines: [], refunded: null, note: null },
      },
    ],
  ]

  it.each(timed)('refuses an observation (%s) whose time has no offset', (at, observation) => {
    expect(answering(done([observation])).normalize(input('t'))).toEqual({
      kind: 'invalid',
      issues: [`${at}: Invalid ISO datetime`],
    })
    const fixed = { ...observation, occurredAt: `${BAD_TIME}Z` }
    expect(answering(done([fixed])).normalize(input('t'))).toEqual(done([fixed]))
  })
})
