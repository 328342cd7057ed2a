import { Migrator, type Kysely } from 'kysely'
import pg from 'pg'
import { installFunctions } from './functions/index.js'
import { MIGRATIONS } from './migrations/index.js'

/**
 * Applies every pending migration, then installs the app's database functions (functions/) where
 * the database holds another version of them; throws on the first failure (the process must not
 * start half-migrated). Returns the names of the migrations applied and of the functions installed.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<readonly string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`migration ${failed} failed`, { cause: error })
  }
  const functions = await installFunctions(db)
  return [...(results ?? []).map((r) => r.migrationName), ...functions]
}

/**
 * Creates the database named in `url` when it does not exist, connecting to the server's
 * `postgres` maintenance database to do so. Returns whether it created it.
 */
export async function ensureDatabase(
  url: string,
  opts: { readonly connectTimeoutMs?: number } = {},
): Promise<boolean> {
  return withAdminClient(url, opts, async (client, name) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount) return false
    try {
      await client.query(`create database ${pg.escapeIdentifier(name)}`)
    } catch (err) {
      // Another process created it between our check and our create: PostgreSQL says so as
      // duplicate_database, or, when both creates ran at once, as a unique violation on
      // pg_database's name index (seen with several hub processes started together).
      const code = (err as { code?: string }).code
      if (code === '42P04' || code === '23505') return false
      throw err
    }
    return true
  })
}

/** Drops the database the URL names, if it exists (a simulation's scratch database). */
export async function dropDatabase(url: string): Promise<void> {
  await withAdminClient(url, {}, (client, name) =>
    client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  )
}

async function withAdminClient<T>(
  url: string,
  opts: { readonly connectTimeoutMs?: number },
  use: (client: pg.Client, name: string) => Promise<T>,
): Promise<T> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
  if (!name) throw new Error('DATABASE_URL names no database')
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({
    connectionString: admin.toString(),
    // Without it a host that drops packets holds start-up forever instead of failing an attempt.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 0,
  })
  await client.connect()
  try {
    return await use(client, name)
  } finally {
    await client.end()
  }
}
