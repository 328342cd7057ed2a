import type { Kysely } from 'kysely'
import {
  countInbox,
  getInboxMessage,
  listInboxEvents,
  searchInbox,
  type InboxSearchFilter,
} from '../db/repos/inbox-search.js'
import type { Database, InboxStatus } from '../db/schema.js'
import { listingSubject } from '../events/index.js'
import { runNormalizer } from '../pipeline/normalize-inbox-item.js'
import type { Observation } from '../../normalizers/index.js'
import { diffJson, isEmptyDiff, type JsonDiff } from './json-diff.js'

export const DRY_RUN_SAMPLE = 10

/**
 * One event of a message compared then and now. Events are matched by subject and kind. Order
 * events compare the order itself (`data.order`): whether applying it now would be a created,
 * updated, cancelled or fulfilled event depends on the stored order at that moment, not on the
 * normalizer, so `typeNow` is `order.*` for them. Events the ledger derives from stored stock
 * (`inventory.changed.v1`) are state, not the message, and are left out.
 */
export interface EventComparison extends JsonDiff {
  readonly subject: string
  readonly typeThen: string | null
  readonly typeNow: string | null
  readonly change: 'added' | 'removed' | 'changed' | 'unchanged'
}

export type MessagePreview = {
  readonly id: string
  readonly status: InboxStatus
} & (
  | { readonly now: 'events'; readonly events: readonly EventComparison[] }
  | { readonly now: 'ignored'; readonly reason: string }
  | { readonly now: 'invalid'; readonly issues: readonly string[] }
  /** Thin webhook: the normalizer needs the channel's API; not called in a dry run. */
  | { readonly now: 'needsHydration' }
)

/**
 * A bulk replay's dry run: how many messages match, and for the newest few what they produced
 * then against what the current (pure) normalizer makes of them now. Nothing is applied or written.
 */
export async function previewReplay(db: Kysely<Database>, filter: InboxSearchFilter) {
  const { count } = await countInbox(db, filter)
  const sample = await searchInbox(db, filter, { limit: DRY_RUN_SAMPLE })
  const previews: MessagePreview[] = []
  for (const { id } of sample) {
    const preview = await previewMessage(db, id)
    if (preview) previews.push(preview)
  }
  return { matching: count, sample: sample.map((m) => m.id), previews }
}

async function previewMessage(
  db: Kysely<Database>,
  id: string,
): Promise<MessagePreview | undefined> {
  const message = await getInboxMessage(db, id)
  if (!message) return undefined
  const base = { id, status: message.status }
  const result = runNormalizer(message, undefined)
  switch (result.kind) {
    case 'hydrate':
      return { ...base, now: 'needsHydration' }
    case 'ignored':
      return { ...base, now: 'ignored', reason: result.reason }
    case 'invalid':
      return { ...base, now: 'invalid', issues: result.issues }
    case 'observations': {
      const then = (await listInboxEvents(db, id)).flatMap((e) => {
        const envelope = e.envelope as { data?: unknown }
        return comparable(e.type, e.subject, envelope.data)
      })
      return { ...base, now: 'events', events: compare(then, result.observations.flatMap(drafted)) }
    }
  }
}

interface Comparable {
  readonly key: string
  readonly type: string
  readonly subject: string
  readonly value: unknown
}

const ORDER_FAMILY = new Set([
  'order.created.v1',
  'order.updated.v1',
  'order.cancelled.v1',
  'order.fulfilled.v1',
])

/** A stored event in comparable form; none for events derived from ledger state. */
function comparable(type: string, subject: string, data: unknown): Comparable[] {
  if (type === 'inventory.changed.v1') return []
  if (ORDER_FAMILY.has(type)) {
    const order = (data as { order?: unknown } | undefined)?.order
    return [{ key: `order.*|${subject}`, type, subject, value: json(order) }]
  }
  return [{ key: `${type}|${subject}`, type, subject, value: json(data) }]
}

/** What an observation would publish, before it meets stored state. */
function drafted(o: Observation): Comparable[] {
  switch (o.kind) {
    case 'order': {
      const subject = `order/${o.snapshot.externalId}`
      return [{ key: `order.*|${subject}`, type: 'order.*', subject, value: json(o.snapshot) }]
    }
    case 'order-return':
      return comparable('order.returned.v1', `order/${o.data.externalOrderId}`, o.data)
    case 'inventory-level':
      return comparable('inventory.reported.v1', listingSubject(o.data.listing), o.data)
    case 'listing-status':
      return comparable('listing.status_changed.v1', listingSubject(o.data.listing), o.data)
    case 'subscription-confirmed':
    case 'account-authorization':
      return []
  }
}

/** Pairs then and now by key (the n-th of a key with the n-th), then diffs each pair. */
function compare(then: readonly Comparable[], now: readonly Comparable[]): EventComparison[] {
  const remaining = new Map<string, Comparable[]>()
  for (const c of then) remaining.set(c.key, [...(remaining.get(c.key) ?? []), c])
  const out: EventComparison[] = []
  for (const n of now) {
    const t = remaining.get(n.key)?.shift()
    const diff = diffJson(t?.value ?? null, n.value)
    const change = !t ? 'added' : isEmptyDiff(diff) ? 'unchanged' : 'changed'
    out.push({
      subject: n.subject,
      typeThen: t?.type ?? null,
      typeNow: n.type,
      change,
      ...(t ? diff : { added: [{ path: '$', after: n.value }], removed: [], changed: [] }),
    })
  }
  for (const t of [...remaining.values()].flat()) {
    out.push({
      subject: t.subject,
      typeThen: t.type,
      typeNow: null,
      change: 'removed',
      added: [],
      removed: [{ path: '$', before: t.value }],
      changed: [],
    })
  }
  return out
}

function json(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown)
}
