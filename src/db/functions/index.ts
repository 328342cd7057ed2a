import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { hubPublishEvents } from './hub-publish-events.js'

/** A database function the app defines in one file, installed after the versioned migrations. */
export interface DatabaseFunction {
  /** As `regprocedure` spells it, e.g. `hub_publish_events(integer)`. */
  readonly signature: string
  /** The whole `create function` statement. */
  readonly create: string
}

export const FUNCTIONS: readonly DatabaseFunction[] = [hubPublishEvents]

/** Marks an installed function with the hash of the definition it came from. */
export function versionOf(fn: DatabaseFunction): string {
  return `hub:${createHash('sha256').update(fn.create).digest('hex')}`
}

/**
 * Installs every function whose installed version differs from its file: dropped and created in
 * one transaction (a changed return type cannot be `create or replace`d), under an advisory lock
 * so processes starting together do not race, and tagged with its version in a comment, so an
 * unchanged function is left alone. Returns the signatures it (re)installed.
 */
export async function installFunctions<DB>(db: Kysely<DB>): Promise<readonly string[]> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('hub_install_functions'))`.execute(tx)
    const installed: string[] = []
    for (const fn of FUNCTIONS) {
      const { rows } = await sql<{ version: string | null }>`
        select obj_description(to_regprocedure(${fn.signature}), 'pg_proc') as version`.execute(tx)
      const version = versionOf(fn)
      if (rows[0]?.version === version) continue
      await sql.raw(`drop function if exists ${fn.signature}`).execute(tx)
      await sql.raw(fn.create).execute(tx)
      await sql.raw(`comment on function ${fn.signature} is '${version}'`).execute(tx)
      installed.push(fn.signature)
    }
    return installed
  })
}
