import { createHash } from 'node:crypto'
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.js'

export interface DbOptions {
  readonly url: string
  readonly poolMax: number
  /** How long to wait for a connection before failing; ingress answers 503 rather than hang. */
  readonly connectTimeoutMs: number
}

export function createPool(opts: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'marketplace-hub',
    // No JIT compilation: every statement here is short, and a plan the estimates make look
    // costly (a generic plan over a table whose statistics are behind a bulk insert) spent 1.4 s
    // of 1.7 s compiling, on every execution (docs/benchmarks.md, "Whole-catalog recount").
    // Generic plans for prepared statements: the hot tables are partitioned by day, and PostgreSQL
    // otherwise re-plans a statement that touches them at every call (its custom plans look
    // cheaper than the generic one), which cost 0.5-0.9 ms of planning per statement with 10
    // partitions, more with a month of them (docs/benchmarks.md, issue 19). A generic plan still
    // skips partitions whose time range a parameter rules out, when the executor starts.
    options: '-c jit=off -c plan_cache_mode=force_generic_plan',
  })
  // pg-pool listens for errors only on idle clients. A connection the server ends while it is
  // checked out (a failover, pg_terminate_backend) emits 'error' on the client, which with no
  // listener would crash the process. The query or transaction in flight still fails on its own
  // and is retried by its caller; the broken client is discarded when released.
  pool.on('connect', (client) => client.on('error', () => undefined))
  return pool
}

export function createDb(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
}

/** Statements with more parameters than this are multi-row batches: too many shapes to keep. */
const MAX_PREPARED_PARAMETERS = 32

/**
 * Runs parameterized statements as named prepared statements, named by a hash of their text, so
 * PostgreSQL parses and plans each hot statement once per connection instead of on every call:
 * parsing and planning were ~40% of the server's CPU on the webhook path (docs/benchmarks.md).
 *
 * Left unprepared: statements without parameters (transaction control), large batches (their
 * texts vary with the batch size), and any text containing `*`. A prepared `select *` fails with
 * "cached plan must not change result type" for the life of the connection once a migration adds
 * a column; with explicit columns a prepared statement survives additive migrations.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  const names = new Map<string, string>()
  const nameOf = (text: string) => {
    let name = names.get(text)
    if (!name) {
      name = `hub_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
      if (names.size > 10_000) names.clear()
      names.set(text, name)
    }
    return name
  }
  const query = (client: pg.PoolClient, text: string, values: unknown[]) =>
    values.length > 0 && values.length <= MAX_PREPARED_PARAMETERS && !text.includes('*')
      ? client.query({ name: nameOf(text), text, values })
      : client.query(text, values)
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    // kysely only calls the (text, values) form; it streams no cursors here.
    query: ((text: string, values: unknown[]) =>
      query(client, text, values)) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  })
  return {
    async connect() {
      const client = await pool.connect()
      let wrapped = clients.get(client)
      if (!wrapped) clients.set(client, (wrapped = wrap(client)))
      return wrapped
    },
    end: () => pool.end(),
  }
}
