import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropDatabase, ensureDatabase } from '../../src/db/migrate.js'
import { databaseUrl, TEST_PG_ADMIN_URL } from '../services.js'

// Several hub processes started together against a database that does not exist yet (a scaled
// deployment's first start) each try to create it; PostgreSQL may refuse all but one with a
// unique violation instead of "already exists".
const name = `hub_t_ensure_${process.pid}_${Date.now().toString(36)}`
const url = databaseUrl(name)

afterAll(() => dropDatabase(url))

describe('ensureDatabase', () => {
  it('creates a missing database once when many processes ask at the same moment', async () => {
    const created = await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(url)))
    expect(created.filter(Boolean)).toHaveLength(1)
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
    await admin.connect()
    try {
      const found = await admin.query('select 1 from pg_database where datname = $1', [name])
      expect(found.rowCount).toBe(1)
    } finally {
      await admin.end()
    }
    expect(await ensureDatabase(url)).toBe(false)
  })
})
