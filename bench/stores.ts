// Postgres and Redis helpers for the benchmark: drop a bench database, delete a queue prefix, count.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import pg from 'pg'

export let PG_BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'
export let REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * Points every part of the bench at other servers from now on (the capacity part runs on a
 * PostgreSQL and a Redis of its own, bench/private-stores.ts); returns the way back.
 */
export function useStores(pgBaseUrl: string, redisUrl: string): () => void {
  const before = [PG_BASE_URL, REDIS_URL] as const
  PG_BASE_URL = pgBaseUrl
  REDIS_URL = redisUrl
  return () => {
    ;[PG_BASE_URL, REDIS_URL] = before
  }
}

export function databaseUrl(name: string): string {
  return `${PG_BASE_URL}/${name}`
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'hub-bench' })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop odd database name "${name}"`)
  await withClient(databaseUrl('postgres'), (c) =>
    c.query(`drop database if exists ${name} with (force)`),
  )
}

export async function countInboxRows(dbName: string): Promise<number> {
  return withClient(databaseUrl(dbName), async (c) => {
    const { rows } = await c.query<{ n: string }>('select count(*) as n from inbox_message')
    return Number(rows[0]?.n ?? 0)
  })
}

/** A connection to a bench database for repeated polling; the caller ends it. */
export async function connectDb(dbName: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl(dbName),
    application_name: 'hub-bench',
  })
  await client.connect()
  return client
}

export interface PipelineState {
  /** Highest inbox id: webhooks committed so far (ids come from an identity column). */
  readonly committed: number
  /** Inbox rows not yet normalized. */
  readonly received: number
  /** Deliveries not yet made. */
  readonly pendingDeliveries: number
}

/** Progress and backlog of a hub's pipeline; each count uses a partial index, so polling is cheap. */
export async function pipelineState(db: pg.Client): Promise<PipelineState> {
  const { rows } = await db.query<{ committed: string; received: string; pending: string }>(
    `select (select coalesce(max(id), 0) from inbox_message) as committed,
            (select count(*) from inbox_message where status = 'received') as received,
            (select count(*) from delivery where status = 'pending') as pending`,
  )
  const r = rows[0]
  return {
    committed: Number(r?.committed ?? 0),
    received: Number(r?.received ?? 0),
    pendingDeliveries: Number(r?.pending ?? 0),
  }
}

/** Deletes every Redis key under `<prefix>:` with SCAN + UNLINK; returns how many. */
export async function deleteQueuePrefix(prefix: string): Promise<number> {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`refusing to delete odd prefix "${prefix}"`)
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 })
  await redis.connect()
  let deleted = 0
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 1000 })
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys)
    }
  } finally {
    redis.disconnect()
  }
  return deleted
}

/** Job counts of one BullMQ queue under `prefix`, by state. */
export async function jobCounts(
  prefix: string,
  queueName: string,
): Promise<Record<string, number>> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  const queue = new Queue(queueName, { connection, prefix })
  try {
    return await queue.getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    )
  } finally {
    await queue.close()
    connection.disconnect()
  }
}

export interface BackendSample {
  /** Samples taken. */
  readonly samples: number
  /** Mean number of the bench database's backends in each state / wait event, over the samples. */
  readonly meanBackends: Record<string, number>
}

/**
 * Samples pg_stat_activity for one database every `everyMs` until stopped: how many backends are
 * active, idle, or waiting on what (e.g. WAL flush at commit), on average.
 */
export function sampleBackends(dbName: string, everyMs = 250): { stop(): Promise<BackendSample> } {
  const totals = new Map<string, number>()
  let samples = 0
  let running = true
  const loop = withClient(databaseUrl(dbName), async (c) => {
    while (running) {
      const { rows } = await c.query<{ what: string; n: string }>(
        `select coalesce(state, 'none') ||
                coalesce(' / ' || wait_event_type || ':' || wait_event, '') as what,
                count(*) as n
           from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and application_name = 'marketplace-hub'
          group by 1`,
        [dbName],
      )
      samples++
      for (const r of rows) totals.set(r.what, (totals.get(r.what) ?? 0) + Number(r.n))
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  })
  return {
    async stop() {
      running = false
      await loop
      const meanBackends: Record<string, number> = {}
      for (const [what, n] of [...totals].sort((a, b) => b[1] - a[1]))
        meanBackends[what] = Math.round((n / Math.max(1, samples)) * 10) / 10
      return { samples, meanBackends }
    },
  }
}
