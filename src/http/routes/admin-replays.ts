import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import {
  InboxFilter,
  cancelReplay,
  createReplayRun,
  filterOutsideWindow,
  previewReplay,
  replayRunView,
  toSearchFilter,
} from '../../admin/index.js'
import { getReplayRun } from '../../db/repos/replays.js'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../clock.js'
import type { Config } from '../../config/index.js'
import type { Logger } from '../../logger.js'
import type { NormalizeDeps } from '../../pipeline/normalize-inbox-item.js'
import type { Queues } from '../../queues/index.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { actorOf } from '../middleware/audit.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { ReplayedMessage } from './admin-inbox.js'

const ReplayRequest = z
  .object({
    /** Same fields as the inbox search; `{}` matches every message. */
    filter: InboxFilter,
    /** Required, so a replay is never started by leaving it out. */
    dryRun: z.boolean({ error: 'say true (preview) or false (run it)' }),
  })
  .strict()

const ReplayRun = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'cancelled', 'failed']),
    filter: z.record(z.string(), z.unknown()),
    total: z.number().int(),
    processed: z.number().int(),
    producedEvents: z.number().int(),
    errorCount: z.number().int(),
    errors: z
      .array(z.object({ inboxId: z.string(), reason: z.string() }))
      .openapi({ description: 'The first errors.' }),
    requestedBy: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('ReplayRun')

/** What a run will do with one message, found by replaying it in a rolled-back transaction. */
const MessagePrediction = z.union([
  ReplayedMessage.extend({
    result: z.enum(['applied', 'failed', 'deferred', 'needs-hydration']),
    newEvents: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        subject: z.string(),
        supersedes: z
          .object({
            id: z.string(),
            type: z.string(),
            diff: z.object({
              added: z.array(z.object({ path: z.string(), after: z.unknown() })),
              removed: z.array(z.object({ path: z.string(), before: z.unknown() })),
              changed: z.array(
                z.object({ path: z.string(), before: z.unknown(), after: z.unknown() }),
              ),
            }),
          })
          .nullable()
          .openapi({ description: 'The event of this message it supersedes, and what changed.' }),
      }),
    ),
  }),
  z.object({ id: z.string(), result: z.literal('error'), reason: z.string() }),
])

const tags = ['Admin']
const RunId = z.object({ id: z.string().openapi({ example: 'rpl_…' }) })
const noSuchRun = json('No such replay run.', ErrorMessage)

const start = adminRoute({
  method: 'post',
  operationId: 'startReplay',
  path: '/',
  tags,
  summary: 'Preview or start a bulk replay',
  description:
    '`dryRun: true`: how many messages match, and for the first ten what a run would do with them (nothing is written; thin webhooks are not hydrated). `dryRun: false`: a run, processed in the background in batches, oldest first.',
  request: {
    body: { required: true, content: { 'application/json': { schema: ReplayRequest } } },
  },
  responses: {
    200: json(
      'The dry run.',
      z.object({
        dryRun: z.literal(true),
        matching: z.number().int().openapi({
          description: 'Messages a run would replay (redacted ones excluded).',
        }),
        skippedRedacted: z.number().int().openapi({
          description:
            'Messages that match but a run skips: their buyer personal data was redacted (PII_REDACT_AFTER_DAYS, or an erasure), so their bodies are no longer what the channel sent.',
        }),
        sample: z.array(z.string()).openapi({ description: 'The ids of the first ten.' }),
        previews: z.array(MessagePrediction),
      }),
    ),
    202: json('The run, queued.', ReplayRun),
    422: json(
      'The filter matches messages received before the replay window (REPLAY_WINDOW_DAYS); nothing was started.',
      ErrorMessage,
    ),
  },
})
const show = adminRoute({
  method: 'get',
  operationId: 'getReplay',
  path: '/{id}',
  tags,
  summary: "A replay run's progress",
  request: { params: RunId },
  responses: { 200: json('The run.', ReplayRun), 404: noSuchRun },
})
const cancel = adminRoute({
  method: 'post',
  operationId: 'cancelReplay',
  path: '/{id}/cancel',
  tags,
  summary: 'Cancel a replay run',
  description: 'It stops between batches.',
  request: { params: RunId },
  responses: {
    200: json('Cancelled.', ReplayRun),
    409: json('Already finished: it cannot be cancelled. The run as it ended.', ReplayRun),
    404: noSuchRun,
  },
})

/**
 * Bulk replay:
 * - `POST /` `{ filter, dryRun: true }`: how many match, and for the first ten a run would replay
 *   what it will do with them, found by replaying them in a rolled-back transaction (200,
 *   nothing written);
 * - `POST /` `{ filter, dryRun: false }`: creates a run and processes it in the background (202);
 * - either one: 422 when the filter matches messages received before the replay window;
 * - `GET /:id`: its progress; `POST /:id/cancel`: stops it between batches.
 */
export function adminReplayRoutes(deps: {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly clock: Clock
  readonly log: Logger
  readonly config: NormalizeDeps['config'] & Pick<Config, 'lifecycle'>
}) {
  const app = openApiRoutes()
  app.openapi(start, async (c) => {
    const input = c.req.valid('json')
    const answer = jsonAnswers(start)
    const tooOld = await filterOutsideWindow(deps, toSearchFilter(input.filter))
    if (tooOld) return answer(c, { error: tooOld }, 422)
    if (input.dryRun) {
      const preview = await previewReplay(deps, toSearchFilter(input.filter))
      c.set('auditDetails', {
        filter: input.filter,
        dryRun: true,
        matching: preview.matching,
        skippedRedacted: preview.skippedRedacted,
      })
      return answer(c, { dryRun: true, ...preview }, 200)
    }
    const run = await createReplayRun(
      deps,
      input.filter,
      actorOf(c.req.header('authorization'), c.req.header('x-admin-actor')),
    )
    c.set('auditDetails', {
      filter: input.filter,
      dryRun: false,
      runId: run.id,
      matching: run.total,
    })
    return answer(c, replayRunView(run), 202)
  })
  app.openapi(show, async (c) => {
    const answer = jsonAnswers(show)
    const run = await getReplayRun(deps.db, c.req.valid('param').id)
    return run
      ? answer(c, replayRunView(run), 200)
      : answer(c, { error: 'no such replay run' }, 404)
  })
  app.openapi(cancel, async (c) => {
    const answer = jsonAnswers(cancel)
    const run = await cancelReplay(deps, c.req.valid('param').id)
    if (!run) return answer(c, { error: 'no such replay run' }, 404)
    c.set('auditDetails', { runId: run.id, status: run.status, processed: run.processed })
    // A finished run cannot be cancelled: say so rather than pretend.
    return answer(c, replayRunView(run), run.status === 'cancelled' ? 200 : 409)
  })
  return app
}
