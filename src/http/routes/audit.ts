import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import { listAudit } from '../../db/repos/audit-log.js'
import type { Database } from '../../db/schema.js'
import { bigintCursor } from '../../storable.js'
import { adminRoute } from '../admin-route.js'
import { Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: bigintCursor('must be an entry id (the `next` of the previous page)').optional(),
})

const AuditEntry = z
  .object({
    id: z.string(),
    at: Timestamp,
    actor: z.string().openapi({
      description: '`X-Admin-Actor`, else the HTTP Basic user name, else `admin`.',
    }),
    method: z.string(),
    path: z.string(),
    query: z.string().nullable(),
    body: z
      .string()
      .nullable()
      .openapi({ description: 'The JSON body as sent (its first 4 KiB).' }),
    status: z.number().int(),
    details: z.record(z.string(), z.unknown()).nullable().openapi({
      description: 'What the request affected, as the route reports it.',
    }),
    requestId: z.string(),
  })
  .openapi('AuditEntry')

const route = adminRoute({
  method: 'get',
  operationId: 'listAuditEntries',
  path: '/',
  tags: ['Admin'],
  summary: 'The audit log, newest first',
  description: 'Every authenticated mutating admin request, refused ones included.',
  request: { query: Page },
  responses: {
    200: json(
      'A page; `next` is the `before` of the following page (null on the last).',
      z.object({ entries: z.array(AuditEntry), next: z.string().nullable() }),
    ),
  },
})

/** `GET /v1/admin/audit?limit=&before=`: the audit log, newest first. */
export function auditRoutes(deps: { readonly db: Kysely<Database> }) {
  const app = openApiRoutes()
  app.openapi(route, async (c) => {
    const page = c.req.valid('query')
    const rows = await listAudit(deps.db, page)
    return jsonAnswers(route)(
      c,
      {
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
        next: rows.length === page.limit ? rows[rows.length - 1]!.id : null,
      },
      200,
    )
  })
  return app
}
