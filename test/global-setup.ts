// Once per run: a template database with every migration applied. Each test file then gets its own
// database as a fast copy of it (CREATE DATABASE … TEMPLATE), so files run in parallel in isolation.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb, createPool } from '../src/db/client.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { TEST_PG_ADMIN_URL, databaseUrl } from './services.js'

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string
    pgTemplate: string
  }
}

export default async function setup(project: TestProject) {
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

export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
