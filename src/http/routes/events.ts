import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { readFeed } from '../../db/repos/outbox.js'
import type { Config } from '../../config/index.js'
import type { Database } from '../../db/schema.js'
import { wireEvent } from '../../events/index.js'
import { formatIssues } from '../../issues.js'
import { patternProblem } from '../../subscriptions/event-filter.js'
import type { AppEnv } from '../env.js'
import { badRequest } from './request-body.js'

const FeedParams = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a feed position (a non-negative integer)')
    .default('0'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  types: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : [],
    )
    .superRefine((types, ctx) => {
      for (const t of types) {
        const problem = patternProblem(t)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      }
    }),
})

/**
 * `GET /v1/events?after=<position>&types=<patterns>&limit=<n>`: the feed in position order. Resume
 * by passing the last `position` you processed as `after` (also returned as `next`).
 */
export function eventRoutes(deps: {
  readonly db: Kysely<Database>
  readonly config: Pick<Config, 'http'>
}) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const parsed = FeedParams.safeParse(c.req.query())
    if (!parsed.success) throw badRequest(formatIssues(parsed.error, 'query'))
    const { after, limit, types } = parsed.data
    const rows = await readFeed(deps.db, { after, limit, types })
    const events = rows.map((r) => wireEvent(r.envelope, r.position, deps.config.http.publicUrl))
    return c.json({ events, next: rows.length > 0 ? rows[rows.length - 1]!.position : after })
  })
  return app
}
