import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.js'

export interface DbOptions {
  readonly url: string
  readonly poolMax: number
  /** How long to wait for a connection before failing; ingress answers 503 rather than hang. */
  readonly connectTimeoutMs: number
}

export function createPool(opts: DbOptions): pg.Pool {
  return new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'marketplace-hub',
  })
}

export function createDb(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}
