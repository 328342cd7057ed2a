// Once per run: a template database with every migration applied. Each test file then gets its own
// database as a fast copy of it (CREATE DATABASE … TEMPLATE), so files run in parallel in isolation.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb, createPool } from '../src/db/client.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { TEST_PG_ADMIN_URL, TEST_REDIS_CLUSTER_PORT, databaseUrl } from './services.js'

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string
    pgTemplate: string
  }
}

export default async function setup(project: TestProject) {
  const stopCluster = clusterFor(project)
  const runId = randomBytes(4).toString('hex')
  const template = `hub_tpl_${runId}`
  await admin((c) => c.query(`create database ${template}`))
  const pool = createPool({ url: databaseUrl(template), poolMax: 1, connectTimeoutMs: 5_000 })
  const db = createDb(pool)
  try {
    await migrateToLatest(db)
  } finally {
    // A template must have no sessions when it is copied.
    await db.destroy()
  }
  project.provide('runId', runId)
  project.provide('pgTemplate', template)

  return async () => {
    stopCluster?.()
    await admin(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        `select datname from pg_database where datname like $1`,
        [`hub_t_${runId}_%`],
      )
      for (const { datname } of rows)
        await c.query(`drop database if exists ${datname} with (force)`)
      await c.query(`drop database if exists ${template} with (force)`)
    })
  }
}

/**
 * The local Redis Cluster, when the project runs on one (its TEST_REDIS_URL lists nodes) and it
 * is not up already; returns how to stop it again, only if this run started it.
 */
function clusterFor(project: TestProject): (() => void) | undefined {
  if (!project.config.env?.TEST_REDIS_URL?.includes(',')) return undefined
  const script = fileURLToPath(new URL('../scripts/redis-cluster.sh', import.meta.url))
  const port = String(TEST_REDIS_CLUSTER_PORT)
  if (spawnSync(script, ['status', port]).status === 0) return undefined
  const started = spawnSync(script, ['start', port], { encoding: 'utf8', timeout: 60_000 })
  if (started.status !== 0)
    throw new Error(`could not start the test Redis Cluster: ${started.stderr || started.stdout}`)
  return () => void spawnSync(script, ['stop', port], { timeout: 30_000 })
}

export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
