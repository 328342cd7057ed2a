import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { listAudit } from '../../db/repos/audit-log.js'
import type { Database } from '../../db/schema.js'
import { formatIssues } from '../../issues.js'
import { bigintCursor } from '../../storable.js'
import type { AppEnv } from '../env.js'
import { badRequest } from './request-body.js'

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: bigintCursor('must be an entry id (the `next` of the previous page)').optional(),
})

/** `GET /v1/admin/audit?limit=&before=`: the audit log, newest first. */
export function auditRoutes(deps: { readonly db: Kysely<Database> }) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const page = Page.safeParse(c.req.query())
    if (!page.success) throw badRequest(formatIssues(page.error, 'query'))
    const rows = await listAudit(deps.db, page.data)
    return c.json({
      entries: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actor,
        method: r.method,
        path: r.path,
        query: r.query,
        body: r.body,
        status: r.status,
        details: r.details,
        requestId: r.request_id,
      })),
      next: rows.length === page.data.limit ? rows[rows.length - 1]!.id : null,
    })
  })
  return app
}
