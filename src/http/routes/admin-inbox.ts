import { z } from '@hono/zod-openapi'
import {
  INBOX_ID,
  InboxFilter,
  messageOutsideWindow,
  messageSummary,
  RedactedMessageError,
  replayInboxMessage,
  showInboxMessage,
  toSearchFilter,
} from '../../admin/index.js'
import type { Config } from '../../config/index.js'
import { searchInbox } from '../../db/repos/inbox-search.js'
import type { NormalizeDeps } from '../../pipeline/normalize-inbox-item.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(INBOX_ID, 'must be a message id (the `next` of the previous page)')
    .optional(),
})

const InboxStatus = InboxFilter.shape.status.unwrap()

/** Why a message was ignored or failed, or how many events it produced. */
const InboxOutcome = z
  .union([
    z.object({ reason: z.string() }),
    z.object({ issues: z.array(z.string()) }),
    z.object({ events: z.number().int() }),
  ])
  .nullable()

const InboxMessageSummary = z
  .object({
    id: z.string(),
    channel: z.string(),
    account: z.string(),
    topic: z.string(),
    dedupeKey: z.string(),
    channelTime: Timestamp.nullable(),
    receivedAt: Timestamp,
    processedAt: Timestamp.nullable(),
    status: InboxStatus,
    outcome: InboxOutcome,
  })
  .openapi('InboxMessageSummary')

const InboxMessage = InboxMessageSummary.extend({
  redactedAt: Timestamp.nullable().openapi({
    description:
      'When its buyer personal data was replaced by `[redacted]` (PII_REDACT_AFTER_DAYS, or an erasure); such a message is never replayed.',
  }),
  headers: z
    .record(z.string(), z.string())
    .openapi({ description: 'As received, credentials masked.' }),
  body: z.string().nullable().openapi({ description: 'The raw body as text; null if not UTF-8.' }),
  bodyBase64: z
    .string()
    .optional()
    .openapi({ description: 'The exact bytes, when the body is not UTF-8.' }),
  bodyBytes: z.number().int(),
  events: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      subject: z.string(),
      position: z.string().nullable(),
      recordedAt: Timestamp,
      envelope: z.record(z.string(), z.unknown()),
    }),
  ),
}).openapi('InboxMessage')

/** What a replay of one message did (`replayInboxMessage`); a dry run predicts the same. */
export const ReplayedMessage = z.object({
  id: z.string(),
  statusBefore: InboxStatus,
  statusAfter: InboxStatus,
  result: z.enum(['applied', 'failed', 'deferred']),
  reason: z.string().nullable(),
  outcome: InboxOutcome,
  newEvents: z
    .array(z.object({ id: z.string(), type: z.string(), subject: z.string() }))
    .openapi({ description: 'Events the replay appended; already-produced ones are not again.' }),
})

const tags = ['Admin']
const InboxId = z.object({ id: z.string().openapi({ example: '1042' }) })
const noSuchMessage = json('No such inbox message.', ErrorMessage)

const search = adminRoute({
  method: 'get',
  operationId: 'searchInbox',
  path: '/',
  tags,
  summary: 'Search stored webhooks, newest first',
  description:
    'By index: order ids and SKUs come from normalization (messages normalized before migration 1000 are found by them once replayed).',
  request: { query: InboxFilter.safeExtend(Page.shape) },
  responses: {
    200: json(
      'A page; `next` is the `before` of the following page (null on the last).',
      z.object({ messages: z.array(InboxMessageSummary), next: z.string().nullable() }),
    ),
  },
})
const show = adminRoute({
  method: 'get',
  operationId: 'getInboxMessage',
  path: '/{id}',
  tags,
  summary: 'One stored webhook',
  description: 'Its masked headers, raw body and the events it produced.',
  request: { params: InboxId },
  responses: { 200: json('The message.', InboxMessage), 404: noSuchMessage },
})
const replay = adminRoute({
  method: 'post',
  operationId: 'replayInboxMessage',
  path: '/{id}/replay',
  tags,
  summary: 'Replay one stored webhook now',
  description:
    'Runs it through the current normalizer, hydrating from the channel API if needed, and applies it. Idempotent: events already produced are not produced again.',
  request: { params: InboxId },
  responses: {
    200: json('Replayed: the status before and after, and the new events.', ReplayedMessage),
    503: json(
      "`deferred`: the channel's API could not be reached; nothing changed, try again.",
      ReplayedMessage,
    ),
    404: noSuchMessage,
    409: json(
      'Its buyer personal data was redacted (PII_REDACT_AFTER_DAYS, or an erasure): the body is no longer what the channel sent, so it is not replayed.',
      ErrorMessage,
    ),
    422: json(
      'Received before the replay window (REPLAY_WINDOW_DAYS): it cannot be replayed; nothing changed.',
      ErrorMessage,
    ),
  },
})

/**
 * The operator's inbox:
 * - `GET /?channel=&account=&status=&from=&to=&orderId=&sku=&limit=&before=`: messages newest
 *   first, a page at a time (`next` is the `before` of the next page). Every field is indexed.
 *   Order ids and SKUs come from normalization: messages normalized before migration 1000 are
 *   found by them only once replayed.
 * - `GET /:id`: one message with its masked headers, raw body and the events it produced.
 * - `POST /:id/replay`: re-run it through the current normalizer and apply it, now (see
 *   `replayInboxMessage`); answers what happened and which events were new; 422 for a message
 *   received before the replay window.
 */
export function adminInboxRoutes(
  deps: NormalizeDeps & { readonly config: Pick<Config, 'http' | 'lifecycle'> },
) {
  const app = openApiRoutes()
  app.openapi(search, async (c) => {
    const { limit, before, ...filter } = c.req.valid('query')
    const rows = await searchInbox(deps.db, toSearchFilter(filter), { limit, before })
    return jsonAnswers(search)(
      c,
      {
        messages: rows.map(messageSummary),
        next: rows.length === limit ? rows[rows.length - 1]!.id : null,
      },
      200,
    )
  })
  app.openapi(show, async (c) => {
    const { id } = c.req.valid('param')
    const answer = jsonAnswers(show)
    const found = INBOX_ID.test(id)
      ? await showInboxMessage(deps.db, id, deps.config.http.publicUrl)
      : undefined
    return found ? answer(c, found, 200) : answer(c, { error: 'no such inbox message' }, 404)
  })
  app.openapi(replay, async (c) => {
    const { id } = c.req.valid('param')
    const answer = jsonAnswers(replay)
    const tooOld = INBOX_ID.test(id) ? await messageOutsideWindow(deps, id) : undefined
    if (tooOld) return answer(c, { error: tooOld }, 422)
    let replayed
    try {
      replayed = INBOX_ID.test(id) ? await replayInboxMessage(deps, id) : undefined
    } catch (err) {
      if (!(err instanceof RedactedMessageError)) throw err
      c.set('auditDetails', { inboxId: id, result: 'refused: redacted' })
      return answer(c, { error: err.message }, 409)
    }
    if (!replayed) return answer(c, { error: 'no such inbox message' }, 404)
    c.set('auditDetails', {
      inboxId: id,
      statusBefore: replayed.statusBefore,
      statusAfter: replayed.statusAfter,
      result: replayed.result,
      newEvents: replayed.newEvents.length,
    })
    // Deferred: the channel's API could not be reached; nothing changed, the operator retries.
    return answer(c, replayed, replayed.result === 'deferred' ? 503 : 200)
  })
  return app
}
