import { Hono } from 'hono'
import { z } from 'zod'
import {
  INBOX_ID,
  InboxFilter,
  messageSummary,
  replayInboxMessage,
  showInboxMessage,
  toSearchFilter,
} from '../../admin/index.js'
import type { Config } from '../../config/index.js'
import { searchInbox } from '../../db/repos/inbox-search.js'
import { formatIssues } from '../../issues.js'
import type { NormalizeDeps } from '../../pipeline/normalize-inbox-item.js'
import type { AppEnv } from '../env.js'
import { badRequest } from './request-body.js'

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(INBOX_ID, 'must be a message id (the `next` of the previous page)')
    .optional(),
})

/**
 * The operator's inbox:
 * - `GET /?channel=&account=&status=&from=&to=&orderId=&sku=&limit=&before=`: messages newest
 *   first, a page at a time (`next` is the `before` of the next page). Every field is indexed.
 *   Order ids and SKUs come from normalization: messages normalized before migration 1000 are
 *   found by them only once replayed.
 * - `GET /:id`: one message with its masked headers, raw body and the events it produced.
 * - `POST /:id/replay`: re-run it through the current normalizer and apply it, now (see
 *   `replayInboxMessage`); answers what happened and which events were new.
 */
export function adminInboxRoutes(deps: NormalizeDeps & { readonly config: Pick<Config, 'http'> }) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const { limit, before, ...rest } = c.req.query()
    const page = Page.safeParse({ limit, before })
    const filter = InboxFilter.safeParse(rest)
    if (!page.success || !filter.success) {
      throw badRequest([
        ...(page.success ? [] : formatIssues(page.error, 'query')),
        ...(filter.success ? [] : formatIssues(filter.error, 'query')),
      ])
    }
    const rows = await searchInbox(deps.db, toSearchFilter(filter.data), page.data)
    return c.json({
      messages: rows.map(messageSummary),
      next: rows.length === page.data.limit ? rows[rows.length - 1]!.id : null,
    })
  })
  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const found = INBOX_ID.test(id)
      ? await showInboxMessage(deps.db, id, deps.config.http.publicUrl)
      : undefined
    return found ? c.json(found) : c.json({ error: 'no such inbox message' }, 404)
  })
  app.post('/:id/replay', async (c) => {
    const id = c.req.param('id')
    const replayed = INBOX_ID.test(id) ? await replayInboxMessage(deps, id) : undefined
    if (!replayed) return c.json({ error: 'no such inbox message' }, 404)
    c.set('auditDetails', {
      inboxId: id,
      statusBefore: replayed.statusBefore,
      statusAfter: replayed.statusAfter,
      result: replayed.result,
      newEvents: replayed.newEvents.length,
    })
    // Deferred: the channel's API could not be reached; nothing changed, the operator retries.
    return c.json(replayed, replayed.result === 'deferred' ? 503 : 200)
  })
  return app
}
