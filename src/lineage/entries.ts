/**
 * One step in the history of an order or a SKU, as the lineage routes answer it and the console
 * renders it: when, what kind of step, one sentence, the ids it involves, and where each can be
 * looked at in the admin API.
 */
export interface HistoryEntry {
  /** ISO 8601. */
  readonly at: string
  readonly kind: HistoryKind
  /** One human sentence, no personal data (ids, quantities, statuses: never a name or address). */
  readonly summary: string
  /** e.g. `{ inbox: '12', event: 'evt_…', delivery: '7' }`. */
  readonly ids: Readonly<Record<string, string>>
  /** Admin API paths, e.g. `{ inbox: '/v1/admin/inbox/12' }`. */
  readonly links: Readonly<Record<string, string>>
}

export const HISTORY_KINDS = [
  'webhook',
  'poll',
  'normalization',
  'event',
  'delivery',
  'delivery_attempt',
  'reservation',
  'adjustment',
  'push',
  'report',
  'check',
  'reconcile',
  'replay',
  'audit',
] as const
export type HistoryKind = (typeof HISTORY_KINDS)[number]

/**
 * Entries in time order. Entries at the same instant keep the pipeline's order (a webhook before
 * its normalization, an event before its delivery), which is the order of `HISTORY_KINDS`.
 */
export function inTimeOrder(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const rank = (k: HistoryKind) => HISTORY_KINDS.indexOf(k)
  return [...entries].sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : rank(a.kind) - rank(b.kind),
  )
}

/** Admin API paths of what an entry names: the routes of src/http/app.ts. */
export const link = {
  inbox: (id: string) => `/v1/admin/inbox/${id}`,
  /** The feed page holding exactly the event at `position`. */
  feedAt: (position: string) => `/v1/events?after=${BigInt(position) - 1n}&limit=1`,
  subscription: (id: string) => `/v1/subscriptions/${encodeURIComponent(id)}`,
  /** The deliveries page of the subscription starting at `delivery` (pages go newest first). */
  delivery: (subscriptionId: string, delivery: string) =>
    `/v1/subscriptions/${encodeURIComponent(subscriptionId)}/deliveries?before=${BigInt(delivery) + 1n}&limit=1`,
  inventory: (sku: string) => `/v1/inventory/${encodeURIComponent(sku)}`,
  listings: (sku: string) => `/v1/listings?sku=${encodeURIComponent(sku)}`,
  skuHistory: (sku: string) => `/v1/admin/inventory/${encodeURIComponent(sku)}/history`,
  orderHistory: (channel: string, account: string, orderId: string) =>
    `/v1/admin/orders/${channel}/${encodeURIComponent(account)}/${encodeURIComponent(orderId)}/history`,
  orderSync: (channel: string, account: string) =>
    `/v1/admin/order-sync/${channel}/${encodeURIComponent(account)}`,
}

/** A time as the entries carry it. */
export function iso(at: Date): string {
  return at.toISOString()
}

/** A time as a sentence says it: to the second, in UTC. */
export function spoken(at: Date | string): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
