import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import {
  attemptsOfEvents,
  auditRowsContaining,
  eventsOfInbox,
  failedInboxContaining,
  inboxRowsById,
  inboxRowsOfOrders,
  insertErasure,
  orderByRef,
  ordersByEmail,
  writeAttempts,
  writeAuditRows,
  writeEnvelopes,
  writeRedactedInbox,
  writeSnapshots,
  type BuyerOrder,
  type InboxRowToRedact,
} from '../db/repos/personal-data.js'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import {
  emailOfSnapshot,
  personalValuesOfEventData,
  personalValuesOfSnapshot,
  redactOrderEventData,
  redactSnapshot,
} from '../orders/personal-data.js'
import { redactFailedJobs } from '../pipeline/redact-failed-jobs.js'
import type { Queues } from '../queues/index.js'
import {
  personalData,
  redactBody,
  scrubBody,
  scrubJson,
  scrubText,
} from '../../normalizers/index.js'

export type ErasureRequest =
  | { readonly email: string }
  | {
      readonly order: { readonly channel: ChannelId; readonly account: string; readonly id: string }
    }

/** Rows (and Redis jobs) an erasure changed, by where they are. */
export type ErasureCounts = {
  readonly inbox_message: number
  readonly sales_order: number
  readonly outbox_event: number
  readonly delivery_attempt: number
  readonly audit_log: number
  readonly redis_inbound_jobs: number
}

export interface ErasureResult {
  readonly erasureId: string
  readonly orders: readonly {
    readonly channel: ChannelId
    readonly account: string
    readonly id: string
  }[]
  readonly changed: ErasureCounts
}

/** The e-mail as the erasure record keeps it: SHA-256 of it trimmed and lower-cased, hex. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
}

/**
 * Erases one buyer's personal data from everything the hub stores, in one transaction: the orders
 * found (by the snapshot's e-mail, or the one order named), every stored webhook about them (and
 * failed ones that name the buyer's e-mail), their order snapshots, the events those webhooks
 * produced (personal values replaced; every other field, and so the order's state, kept), the
 * delivery attempts of those events (a subscriber's answer may echo what it was sent), the audit
 * entries that contain the buyer's values, and failed inbound jobs in Redis that carry the bodies.
 *
 * Inside the buyer's own rows the known values (e-mail, name, phone, address lines, from the
 * snapshots) are also replaced wherever they occur, for values under keys the channel's list
 * does not name. The request is recorded in `erasure`, the e-mail as its hash only.
 */
export async function eraseBuyer(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock; readonly queues: Queues },
  request: ErasureRequest,
  requestedBy: string,
): Promise<ErasureResult> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const orders =
      'email' in request
        ? await ordersByEmail(trx, request.email.trim())
        : await orderByRef(trx, request.order)
    const needles = [
      ...('email' in request ? [request.email.trim()] : []),
      ...orders.flatMap((o) => personalValuesOfSnapshot(o.snapshot)),
    ]
    const emails = [
      ...('email' in request ? [request.email.trim()] : []),
      ...orders.map((o) => emailOfSnapshot(o.snapshot)).filter((e) => e !== null),
    ]
    const inbox = await inboxToErase(trx, orders, emails)
    const redacted = inbox.map((row) => eraseInboxRow(row, needles))
    const inboxIds = await writeRedactedInbox(trx, redacted, now, { onlyUnredacted: false })

    const salesOrders = await writeSnapshots(
      trx,
      orders.map((o) => ({ id: o.id, snapshot: redactSnapshot(o.snapshot) })),
    )

    const outboxEvents = await eraseEvents(trx, inboxIds, needles)
    const deliveryAttempts = await eraseAttempts(trx, outboxEvents.ids, needles)
    const auditLog = await eraseAudit(trx, needles)

    // Inside the transaction: if Redis cannot be reached nothing is committed and the operator
    // asks again (rewriting a job twice is harmless).
    const jobs = await redactFailedJobs(
      deps.queues,
      redacted.filter((r) => inboxIds.includes(r.id)),
    )
    const changed: ErasureCounts = {
      inbox_message: inboxIds.length,
      sales_order: salesOrders,
      outbox_event: outboxEvents.changed,
      delivery_attempt: deliveryAttempts,
      audit_log: auditLog,
      redis_inbound_jobs: jobs,
    }
    const erasureId = await insertErasure(trx, {
      requestedAt: now,
      requestedBy,
      emailSha256: 'email' in request ? emailHash(request.email) : null,
      order: 'order' in request ? request.order : null,
      orders: orders.length,
      changed,
    })
    return {
      erasureId,
      orders: orders.map((o) => ({ channel: o.channel, account: o.account_id, id: o.external_id })),
      changed,
    }
  })
}

/** The buyer's stored webhooks: those about their orders, and failed ones naming their e-mail. */
async function inboxToErase(
  db: Kysely<Database>,
  orders: readonly BuyerOrder[],
  emails: readonly string[],
): Promise<InboxRowToRedact[]> {
  const rows = new Map<string, InboxRowToRedact>()
  for (const row of await inboxRowsOfOrders(db, orders)) rows.set(row.id, row)
  const last = orders.map((o) => o.last_inbox_id).filter((id) => id !== null)
  for (const row of await inboxRowsById(db, last)) rows.set(row.id, row)
  for (const row of await failedInboxContaining(db, emails)) rows.set(row.id, row)
  return [...rows.values()]
}

function eraseInboxRow(row: InboxRowToRedact, needles: readonly string[]) {
  const fields = redactBody(row.raw_body, personalData[row.channel])
  return {
    id: row.id,
    receivedKey: row.received_key,
    body: scrubBody(fields.body, needles),
    headers: Object.fromEntries(
      Object.entries(row.headers).map(([name, value]) => [name, scrubText(value, needles)]),
    ),
  }
}

/**
 * The events these messages produced, with the personal fields of the order they carry replaced
 * (and the buyer's values wherever else they occur); `ids` all of them, `changed` those rewritten.
 * Adds the values the events hold to `needles`, for the rows read after them.
 */
async function eraseEvents(db: Kysely<Database>, inboxIds: readonly string[], needles: string[]) {
  const events = await eventsOfInbox(db, inboxIds)
  for (const e of events) needles.push(...personalValuesOfEventData(e.envelope.data))
  const envelopes = events.flatMap((e) => {
    const data = redactOrderEventData(e.envelope.data)
    const envelope = scrubJson({ ...e.envelope, data }, needles)
    return JSON.stringify(envelope) === JSON.stringify(e.envelope)
      ? []
      : [{ id: e.id, recordedKey: e.recorded_key, envelope }]
  })
  return { ids: events.map((e) => e.id), changed: await writeEnvelopes(db, envelopes) }
}

/** The events' delivery attempts: a subscriber's answer or error may echo what it was sent. */
async function eraseAttempts(
  db: Kysely<Database>,
  eventIds: readonly string[],
  needles: readonly string[],
): Promise<number> {
  const attempts = (await attemptsOfEvents(db, eventIds)).flatMap((a) => {
    const response_excerpt = a.response_excerpt && scrubText(a.response_excerpt, needles)
    const error = a.error && scrubText(a.error, needles)
    return response_excerpt === a.response_excerpt && error === a.error
      ? []
      : [{ ...a, response_excerpt, error }]
  })
  return writeAttempts(db, attempts)
}

/** Admin requests that named the buyer (an operator typed their e-mail into a filter, say). */
async function eraseAudit(db: Kysely<Database>, needles: readonly string[]): Promise<number> {
  const rows = (await auditRowsContaining(db, needles)).flatMap((a) => {
    const scrubbed = {
      id: a.id,
      body: a.body && scrubText(a.body, needles),
      query: a.query && scrubText(a.query, needles),
      details: scrubJson(a.details, needles),
    }
    const same =
      scrubbed.body === a.body &&
      scrubbed.query === a.query &&
      JSON.stringify(scrubbed.details) === JSON.stringify(a.details)
    return same ? [] : [scrubbed]
  })
  return writeAuditRows(db, rows)
}
