import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import {
  InboxFilter,
  cancelReplay,
  createReplayRun,
  previewReplay,
  replayRunView,
  toSearchFilter,
} from '../../admin/index.js'
import { getReplayRun } from '../../db/repos/replays.js'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import type { NormalizeDeps } from '../../pipeline/normalize-inbox-item.js'
import type { Queues } from '../../queues/index.js'
import type { AppEnv } from '../env.js'
import { actorOf } from '../middleware/audit.js'
import { parseJsonRequest } from './request-body.js'

const ReplayRequest = z
  .object({
    /** Same fields as the inbox search; `{}` matches every message. */
    filter: InboxFilter,
    /** Required, so a replay is never started by leaving it out. */
    dryRun: z.boolean({ error: 'say true (preview) or false (run it)' }),
  })
  .strict()

/**
 * Bulk replay:
 * - `POST /` `{ filter, dryRun: true }`: how many match, and for the first ten a run would replay
 *   what it will do with them, found by replaying them in a rolled-back transaction (200,
 *   nothing written);
 * - `POST /` `{ filter, dryRun: false }`: creates a run and processes it in the background (202);
 * - `GET /:id`: its progress; `POST /:id/cancel`: stops it between batches.
 */
export function adminReplayRoutes(deps: {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly clock: Clock
  readonly log: Logger
  readonly config: NormalizeDeps['config']
}) {
  const app = new Hono<AppEnv>()
  app.post('/', async (c) => {
    const input = await parseJsonRequest(c, ReplayRequest)
    if (input.dryRun) {
      const preview = await previewReplay(deps, toSearchFilter(input.filter))
      c.set('auditDetails', { filter: input.filter, dryRun: true, matching: preview.matching })
      return c.json({ dryRun: true, ...preview })
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
    return c.json(replayRunView(run), 202)
  })
  app.get('/:id', async (c) => {
    const run = await getReplayRun(deps.db, c.req.param('id'))
    return run ? c.json(replayRunView(run)) : c.json({ error: 'no such replay run' }, 404)
  })
  app.post('/:id/cancel', async (c) => {
    const run = await cancelReplay(deps, c.req.param('id'))
    if (!run) return c.json({ error: 'no such replay run' }, 404)
    c.set('auditDetails', { runId: run.id, status: run.status, processed: run.processed })
    // A finished run cannot be cancelled: say so rather than pretend.
    return c.json(replayRunView(run), run.status === 'cancelled' ? 200 : 409)
  })
  return app
}
