import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'
import { storableJson, visibleText } from '../../storable.js'

export interface AuditEntry {
  readonly actor: string
  readonly method: string
  readonly path: string
  readonly query: string | null
  readonly body: string | null
  readonly status: number
  readonly details: Readonly<Record<string, unknown>> | null
  readonly requestId: string
}

/** Appends entries in one statement, in the order given. */
export async function appendAudits(
  db: Kysely<Database>,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('audit_log')
    .values(
      // A refused request is audited too, whatever it held: a NUL made visible, never a failed
      // insert that would lose the whole batch's entries.
      entries.map((entry) => ({
        actor: visibleText(entry.actor),
        method: entry.method,
        path: visibleText(entry.path),
        query: entry.query === null ? null : visibleText(entry.query),
        body: entry.body === null ? null : visibleText(entry.body),
        status: entry.status,
        details: entry.details ? storableJson(entry.details) : null,
        request_id: entry.requestId,
      })),
    )
    .execute()
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Kysely<Database>,
  page: { readonly limit: number; readonly before?: string },
) {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(page.limit)
  if (page.before !== undefined) q = q.where('id', '<', page.before)
  return q.execute()
}
