import { z } from 'zod'
import type { InboxSearchFilter } from '../db/repos/inbox-search.js'
import { ChannelId } from '../events/index.js'

const Text = z.string().trim().min(1).max(200)
const Time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with an offset' })

/**
 * The inbox filter an operator writes, for search (query string) and bulk replay (JSON body):
 * `channel`, `account`, `status`, `from` (inclusive) / `to` (exclusive) received times,
 * `orderId` (the channel's order id) and `sku` (a seller SKU). Order ids and SKUs are indexed when
 * a message is normalized; messages normalized before that index existed (migration 1000) are
 * found by them only after a replay.
 */
export const InboxFilter = z
  .object({
    channel: ChannelId.optional(),
    account: Text.optional(),
    status: z.enum(['received', 'normalized', 'ignored', 'failed']).optional(),
    from: Time.optional(),
    to: Time.optional(),
    orderId: Text.optional(),
    sku: Text.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to), {
    message: 'must be after `from`',
    path: ['to'],
  })
export type InboxFilter = z.infer<typeof InboxFilter>

export function toSearchFilter(f: InboxFilter): InboxSearchFilter {
  return {
    channel: f.channel,
    accountId: f.account,
    status: f.status,
    from: f.from ? new Date(f.from) : undefined,
    to: f.to ? new Date(f.to) : undefined,
    orderId: f.orderId,
    sku: f.sku,
  }
}

/**
 * What a bulk replay takes of a filter's matches: messages whose personal data was redacted are
 * skipped (their bodies are no longer what the channel sent; see `RedactedMessageError`).
 */
export function replayable(filter: InboxSearchFilter): InboxSearchFilter {
  return { ...filter, redacted: false }
}

/** Inbox ids are bigint identities; anything else is no message (404), never a database error. */
export const INBOX_ID = /^[1-9]\d{0,17}$/
