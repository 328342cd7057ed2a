import { createWriteStream } from 'node:fs'
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** Rows read per statement while exporting. */
const EXPORT_BATCH = 1_000

/**
 * Writes a detached partition to `<dir>/<name>.jsonl.gz`: one JSON object per row (`row_to_json`:
 * bytea as `\x…` hex, timestamps as ISO text), gzip-compressed, so it can be read back with
 * `zcat | jq` or loaded with `COPY … FROM PROGRAM 'zcat …'` through `json_populate_record`. The rows
 * are read through this connection rather than with a server-side `COPY … TO 'file'`, which writes
 * on the database host and needs superuser (pg_write_server_files). Read in `ctid` order a batch at
 * a time: the table is detached, so nothing moves under the cursor. Written under a `.partial` name
 * and renamed when complete, so a file with the final name is always whole. Returns its path.
 */
export async function exportPartition(
  db: Kysely<Database>,
  dir: string,
  name: string,
): Promise<{ readonly file: string; readonly rows: number }> {
  const file = join(dir, `${name}.jsonl.gz`)
  const partial = `${file}.partial`
  const gzip = createGzip()
  const written = pipeline(gzip, createWriteStream(partial))
  let rows = 0
  try {
    let after = '(0,0)'
    for (;;) {
      const { rows: batch } = await sql<{ at: string; line: string }>`
        select p.ctid::text as at, row_to_json(p)::text as line from ${sql.table(name)} p
         where p.ctid > ${after}::tid order by p.ctid limit ${EXPORT_BATCH}`.execute(db)
      for (const r of batch) {
        if (!gzip.write(`${r.line}\n`)) await once(gzip, 'drain')
      }
      rows += batch.length
      if (batch.length < EXPORT_BATCH) break
      after = batch[batch.length - 1]!.at
    }
  } finally {
    gzip.end()
    await written
  }
  await rename(partial, file)
  return { file, rows }
}
