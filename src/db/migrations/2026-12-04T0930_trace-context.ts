import { sql, type Kysely } from 'kysely'

/**
 * Traces (issue #18): the W3C trace context of the request that delivered a webhook
 * (`{ traceparent, tracestate? }`), so its normalization continues that request's trace even when
 * its job is lost and the sweeper queues it again from this row. Written by intake only while
 * tracing is on; null otherwise, and for every row before. Adding a nullable column without a
 * default rewrites nothing (PostgreSQL 11+).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox_message add column trace_context jsonb`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox_message drop column trace_context`.execute(db)
}
