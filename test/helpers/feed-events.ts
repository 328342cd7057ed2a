import { randomUUID } from 'node:crypto'
import type { Deps } from '../../src/deps.js'
import type { HubEvent } from '../../src/events/index.js'
import { appendEvents } from '../../src/outbox/append.js'
import { relayAll } from './pipeline.js'

const ENVELOPE = {
  specversion: '1.0',
  source: '/shopify/demo',
  time: '2026-11-22T10:00:00.000Z',
  recordedAt: '2026-11-22T10:00:00.000Z',
  channel: 'shopify',
  account: 'demo',
} as const

/** An `order.returned.v1` with a unique id; `note` pads it (a large event). */
export function returnedEvent(n: number, note: string | null = null): HubEvent {
  return {
    ...ENVELOPE,
    id: `evt_test_${n}_${randomUUID()}`,
    type: 'order.returned.v1',
    subject: `order/${n}`,
    data: { externalOrderId: String(n), returnId: `r${n}`, lines: [], refunded: null, note },
  }
}

/** A `listing.status_changed.v1`: a second type, for filters. */
export function listingEvent(n: number): HubEvent {
  const listing = {
    sellerSku: `SKU-${n}`,
    productId: null,
    unitId: null,
    locationId: null,
    marketplaceId: null,
  }
  return {
    ...ENVELOPE,
    id: `evt_test_listing_${n}_${randomUUID()}`,
    type: 'listing.status_changed.v1',
    subject: `sku/SKU-${n}`,
    data: { listing, status: 'active', channelStatus: {}, reason: null, changedFields: [] },
  }
}

/** Appends the events in one transaction and relays them: they get the next feed positions, in order. */
export async function publishEvents(deps: Deps, events: readonly HubEvent[]): Promise<void> {
  await deps.db.transaction().execute((trx) => appendEvents(trx, events))
  await relayAll(deps)
}
