import type { ChannelId, OrderReturned, OrderSnapshot } from '../src/events/index.js'

/** What a normalizer is given: one verified, stored webhook. */
export interface NormalizeInput {
  readonly channel: ChannelId
  readonly accountId: string
  /** The channel's topic / event type, as the connector extracted it. */
  readonly topic: string
  /** The inbox dedupe key of the webhook. */
  readonly dedupeKey: string
  /** When the hub received the webhook: the only "now" a normalizer may use. */
  readonly receivedAt: Date
  /** The body parsed by `parseJsonBody` (integers beyond 2^53 arrive as strings). */
  readonly body: unknown
}

/**
 * A fact the channel reported, before the hub compares it with what it already knows. Events are
 * derived from observations when they are applied, so the same observation twice emits once.
 */
export type Observation =
  | {
      /** The full current state of an order. */
      readonly kind: 'order'
      readonly snapshot: OrderSnapshot
    }
  | {
      /** A refund or return recorded against an order. */
      readonly kind: 'order-return'
      /** When the channel recorded it (ISO 8601). */
      readonly occurredAt: string
      readonly data: OrderReturned['data']
    }

export type NormalizeResult =
  | { readonly kind: 'observations'; readonly observations: readonly Observation[] }
  /** A topic the hub does not consume; recorded, never retried. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** The payload does not have the shape the channel documents; `issues` name each bad path. */
  | { readonly kind: 'invalid'; readonly issues: readonly string[] }

/** Pure: no I/O, no clock, no randomness, inputs never mutated. */
export interface ChannelNormalizer {
  normalize(input: NormalizeInput): NormalizeResult
}

/** `null` marks a channel whose normalizer has not landed yet. */
export type NormalizerRegistry = { readonly [C in ChannelId]: ChannelNormalizer | null }
