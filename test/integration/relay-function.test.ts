// De-risks keeping the relay's SQL in one file (src/db/functions/): the function a migrated
// database runs is exactly the one in the file, a database holding another version (an older
// deploy's, or one edited by hand) gets the file's on the next migrate, and an unchanged one is
// left alone, so processes starting together do not drop it under a running relay.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, createPool } from '../../src/db/client.js'
import { FUNCTIONS, installFunctions, versionOf } from '../../src/db/functions/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { useTestDatabase } from '../helpers/database.js'

const database = useTestDatabase()
let db: ReturnType<typeof createDb>

beforeAll(() => {
  db = createDb(createPool({ url: database.url, poolMax: 2, connectTimeoutMs: 5_000 }))
})
afterAll(() => db?.destroy())

/** The installed function's whole definition as PostgreSQL prints it, and its version tag. */
async function installed(signature: string) {
  const { rows } = await sql<{ definition: string; version: string | null }>`
    select pg_get_functiondef(to_regprocedure(${signature})) as definition,
           obj_description(to_regprocedure(${signature}), 'pg_proc') as version`.execute(db)
  return rows[0]!
}

/** What PostgreSQL prints for the file's definition, created in a scratch schema and rolled back. */
async function printedFromFile(create: string, signature: string): Promise<string> {
  try {
    await db.transaction().execute(async (tx) => {
      await sql`create schema relay_file_check`.execute(tx)
      await sql`set local search_path = relay_file_check`.execute(tx)
      await sql.raw(create).execute(tx)
      const { rows } = await sql<{ definition: string }>`
        select pg_get_functiondef(to_regprocedure(${`relay_file_check.${signature}`})) as definition`.execute(
        tx,
      )
      throw new Printed(rows[0]!.definition)
    })
  } catch (err) {
    if (err instanceof Printed) return err.definition.replace('relay_file_check.', 'public.')
    throw err
  }
  throw new Error('the scratch transaction committed')
}

/** Carries the printed definition out of the scratch transaction, rolling it back. */
class Printed extends Error {
  constructor(readonly definition: string) {
    super('printed')
  }
}

describe.each(FUNCTIONS)('$signature', (fn) => {
  it('the migrated database runs exactly the definition in the file', async () => {
    const now = await installed(fn.signature)
    expect(now.version).toBe(versionOf(fn))
    expect(now.definition).toBe(await printedFromFile(fn.create, fn.signature))
  })

  it('a database holding another version gets the file’s on the next migrate', async () => {
    await sql.raw(`drop function ${fn.signature}`).execute(db)
    await sql
      .raw(
        `create function ${fn.signature} returns table (relayed integer) language sql as 'select 0'`,
      )
      .execute(db)
    const applied = await migrateToLatest(db)
    expect(applied).toEqual([fn.signature])
    const now = await installed(fn.signature)
    expect(now.version).toBe(versionOf(fn))
    expect(now.definition).toBe(await printedFromFile(fn.create, fn.signature))
  })

  it('an unchanged function is left alone', async () => {
    const { rows: before } = await sql<{ oid: number }>`
      select to_regprocedure(${fn.signature})::oid as oid`.execute(db)
    expect(await installFunctions(db)).toEqual([])
    const { rows: after } = await sql<{ oid: number }>`
      select to_regprocedure(${fn.signature})::oid as oid`.execute(db)
    expect(after[0]!.oid).toBe(before[0]!.oid)
  })
})
