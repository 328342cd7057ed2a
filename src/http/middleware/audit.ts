import { createMiddleware } from 'hono/factory'
import type { Kysely } from 'kysely'
import { appendAudits, type AuditEntry } from '../../db/repos/audit-log.js'
import { createBatcher } from '../../pipeline/batcher.js'
import type { Database } from '../../db/schema.js'
import type { AppEnv } from '../env.js'

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const BODY_LIMIT = 4_096
/**
 * Requests whose body is itself personal data (an erasure names the buyer it erases): the body is
 * not stored, only this note, and the handler's details say what was asked (the e-mail hashed).
 */
const PERSONAL_BODY_PATHS = new Set(['/v1/admin/erasures'])
export const WITHHELD_BODY = '[withheld: personal data]'

/**
 * Writes every mutating admin request to the audit log after it is answered, refused ones
 * included: who (see {@link actorOf}), method, path, query, the JSON body as sent (except where it
 * is personal data, see PERSONAL_BODY_PATHS), the status, and
 * what the handler reported doing (`auditDetails`). Runs after admin authentication, so only
 * authenticated requests are recorded; a failed write is logged and never fails the request.
 */
export function auditLog(db: Kysely<Database>) {
  // A burst of admin writes (a stock recount's adjustments) is logged in one insert per batch
  // rather than one commit per request; each request still waits for its entry to be stored.
  const entries = createBatcher(
    async (batch: readonly AuditEntry[]) => {
      await appendAudits(db, batch)
      return batch.map(() => undefined)
    },
    { maxBatch: 200, maxInFlight: 1 },
  )
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!MUTATING.has(c.req.method)) return next()
    // JSON, and the console's HTML forms (form-encoded): what the operator sent, as sent.
    const readable = /json|x-www-form-urlencoded/.test(c.req.header('content-type') ?? '')
    // Hono caches the body, so the handler can still read it.
    const url = new URL(c.req.url)
    const body = !readable
      ? null
      : PERSONAL_BODY_PATHS.has(url.pathname.replace(/\/+$/, ''))
        ? WITHHELD_BODY
        : (await c.req.text()).slice(0, BODY_LIMIT)
    await next()
    await entries
      .submit({
        actor: actorOf(c.req.header('authorization'), c.req.header('x-admin-actor')),
        method: c.req.method,
        path: url.pathname,
        query: url.search === '' ? null : url.search.slice(1),
        body,
        status: c.res.status,
        details: c.get('auditDetails') ?? null,
        requestId: c.get('requestId'),
      })
      .catch((err: unknown) => c.get('log').error({ err }, 'could not write the audit log'))
  })
}

/**
 * There is one admin token, so "who" is what the caller says: the `X-Admin-Actor` header, or the
 * user name of HTTP Basic (a browser on Bull Board or the console), else `admin`. Never the token.
 */
export function actorOf(authorization: string | undefined, declared: string | undefined): string {
  if (declared?.trim()) return declared.trim().slice(0, 200)
  const [scheme, value] = (authorization ?? '').split(' ', 2)
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
    const user = decoded.slice(0, Math.max(0, decoded.indexOf(':')))
    if (user) return user.slice(0, 200)
  }
  return 'admin'
}
