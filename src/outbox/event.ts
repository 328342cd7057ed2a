import { createHash } from 'node:crypto'
import type { EventOriginId, HubEvent } from '../events/index.js'

/** An event before the hub has given it an id and source: what a domain decision produces. */
export type EventDraft = {
  [T in HubEvent['type']]: {
    readonly type: T
    readonly subject: string
    /** When it happened at the channel (ISO 8601). */
    readonly time: string
    readonly data: Extract<HubEvent, { type: T }>['data']
  }
}[HubEvent['type']]

export interface EventOrigin {
  readonly channel: EventOriginId
  readonly accountId: string
  readonly recordedAt: Date
}

/**
 * Deterministic event id from what makes the event unique, so a retried job produces the same id
 * and the outbox's primary key drops the repeat.
 */
export function eventId(
  origin: Pick<EventOrigin, 'channel' | 'accountId'>,
  ...parts: string[]
): string {
  const digest = createHash('sha256')
    .update([origin.channel, origin.accountId, ...parts].join('\u001f'))
    .digest('base64url')
  return `evt_${digest.slice(0, 24)}`
}

export function toEvent(draft: EventDraft, origin: EventOrigin, id: string): HubEvent {
  return {
    id,
    type: draft.type,
    specversion: '1.0',
    source: `/${origin.channel}/${origin.accountId}`,
    subject: draft.subject,
    time: new Date(draft.time).toISOString(),
    recordedAt: origin.recordedAt.toISOString(),
    channel: origin.channel,
    account: origin.accountId,
    data: draft.data,
    // EventDraft pairs each type with its data; TypeScript cannot follow that pairing through
    // the object literal, so the union is asserted here, in the one place events are built.
  } as HubEvent
}
