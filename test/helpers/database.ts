import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, inject } from 'vitest'
import { admin } from '../global-setup.js'
import { databaseUrl } from '../services.js'

export interface TestDatabase {
  /** Connection URL of this file's database; throws before `beforeAll` has created it. */
  readonly url: string
  readonly name: string
}

/** Registers hooks that give the calling test file its own database, copied from the migrated template. */
export function useTestDatabase(): TestDatabase {
  const name = `hub_t_${inject('runId')}_${randomBytes(4).toString('hex')}`
  let ready = false
  beforeAll(async () => {
    await admin((c) => c.query(`create database ${name} template ${inject('pgTemplate')}`))
    ready = true
  })
  afterAll(async () => {
    await admin((c) => c.query(`drop database if exists ${name} with (force)`))
  })
  return {
    name,
    get url() {
      if (!ready) throw new Error('test database used outside a test')
      return databaseUrl(name)
    },
  }
}
