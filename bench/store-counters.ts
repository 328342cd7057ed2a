// What the stores did during a window, from their own counters: PostgreSQL's pg_stat_database and
// WAL position, Redis's INFO commandstats; and which processes are the PostgreSQL server. The WAL
// and Redis's command counts are server-wide, so the capacity part runs on servers of its own
// (private-stores.ts); the other databases' commits are counted to show what else went on.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { PidSource } from './cpu.js'
import { databaseUrl, REDIS_URL } from './stores.js'

export interface PgCounters {
  readonly xactCommit: number
  readonly xactRollback: number
  readonly tupInserted: number
  readonly tupUpdated: number
  readonly tupDeleted: number
  /** Commits in every other database of the server: how much else was going on. */
  readonly otherCommits: number
  /** pg_current_wal_lsn() as a byte position (server-wide). */
  readonly walLsnBytes: number
  /** pg_stat_wal (server-wide). */
  readonly walRecords: number
  readonly walFpi: number
  /** pg_database_size: the database's tables, indexes and TOAST on disk. */
  readonly databaseBytes: number
}

export interface RedisCounters {
  /** INFO commandstats per command: calls and Redis's own µs spent in them (server-wide). */
  readonly commands: Record<string, { calls: number; usec: number }>
}

/** A connection to the server's `postgres` database, so the bench's own queries hit no hub database. */
export async function connectServer(): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl('postgres'),
    application_name: 'hub-bench',
  })
  await client.connect()
  return client
}

/** PostgreSQL's counters for `dbName` now. Its statistics reach the view within about a second. */
export async function pgCounters(db: pg.Client, dbName: string): Promise<PgCounters> {
  // A fresh snapshot: within one transaction the statistics views would answer from a cache.
  await db.query('select pg_stat_clear_snapshot()')
  const { rows } = await db.query<Record<string, string>>(
    `select d.xact_commit, d.xact_rollback, d.tup_inserted, d.tup_updated, d.tup_deleted,
            (select coalesce(sum(xact_commit), 0) from pg_stat_database
              where datname is distinct from $1) as other_commits,
            pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') as wal_lsn,
            w.wal_records, w.wal_fpi, pg_database_size($1) as db_bytes
       from pg_stat_database d, pg_stat_wal w
      where d.datname = $1`,
    [dbName],
  )
  const r = rows[0]
  if (!r) throw new Error(`pg_stat_database has no row for ${dbName}`)
  return {
    xactCommit: Number(r.xact_commit),
    xactRollback: Number(r.xact_rollback),
    tupInserted: Number(r.tup_inserted),
    tupUpdated: Number(r.tup_updated),
    tupDeleted: Number(r.tup_deleted),
    otherCommits: Number(r.other_commits),
    walLsnBytes: Number(r.wal_lsn),
    walRecords: Number(r.wal_records),
    walFpi: Number(r.wal_fpi),
    databaseBytes: Number(r.db_bytes),
  }
}

export function pgDelta(a: PgCounters, b: PgCounters): PgCounters {
  const out = {} as Record<keyof PgCounters, number>
  for (const k of Object.keys(a) as (keyof PgCounters)[]) out[k] = b[k] - a[k]
  return out
}

export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const text = await redis.info('commandstats')
  const commands: Record<string, { calls: number; usec: number }> = {}
  // e.g. "cmdstat_evalsha:calls=12,usec=340,usec_per_call=28.33,rejected_calls=0,failed_calls=0"
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    commands[m[1]!] = { calls: Number(m[2]), usec: Number(m[3]) }
  return { commands }
}

export function redisDelta(a: RedisCounters, b: RedisCounters): RedisCounters {
  const commands: Record<string, { calls: number; usec: number }> = {}
  for (const [name, now] of Object.entries(b.commands)) {
    const before = a.commands[name] ?? { calls: 0, usec: 0 }
    const calls = now.calls - before.calls
    if (calls > 0) commands[name] = { calls, usec: now.usec - before.usec }
  }
  return { commands }
}

export function connectRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 3 })
}

/**
 * A PostgreSQL server's processes: the postmaster (first line of postmaster.pid in its data
 * directory) and its children (backends, WAL writer, checkpointer, autovacuum). A backend's CPU is
 * readable only while it lives, so clock windows while the connections that matter are open.
 */
export function postgresServerPids(dataDir: string): PidSource {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  return () => [postmaster, ...childrenOf(postmaster)]
}

function childrenOf(ppid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Field 4 (ppid) follows "pid (comm) state".
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid)
        out.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return out
}
