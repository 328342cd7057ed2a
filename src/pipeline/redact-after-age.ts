import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import {
  unredactedBefore,
  writeRedactedInbox,
  type InboxRowToRedact,
} from '../db/repos/personal-data.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../logger.js'
import type { Queues } from '../queues/index.js'
import { personalData, redactBody } from '../../normalizers/index.js'
import { redactFailedJobs } from './redact-failed-jobs.js'

const DAY_MS = 86_400_000
/** Rows per statement: each batch is one short read and one short update, never a long lock. */
export const REDACT_BATCH = 200
/** With nothing left to redact, look again after this long (the cutoff moves slowly). */
const IDLE_MS = 60_000

/**
 * Redacts buyer personal data in stored webhooks older than `afterDays` (PII_REDACT_AFTER_DAYS):
 * each body keeps its shape with personal values replaced by the marker (the channel's
 * personal-data.ts), and the row is marked `redacted_at`. Order state and events are left as
 * they are. The relay leader calls `redact` at every sweep; it does one batch, and while a batch
 * comes back full the next sweep does the next one, so a backlog drains at a bounded pace beside
 * the hot path. A failed message's job in Redis keeps the body too: it is rewritten the same way.
 */
export function createAgeRedactor(
  deps: {
    readonly db: Kysely<Database>
    readonly clock: Clock
    readonly log: Logger
    readonly queues: Queues
  },
  opts: { readonly afterDays: number; readonly batch?: number },
) {
  const batch = opts.batch ?? REDACT_BATCH
  let idleUntil = 0
  return {
    /** One batch, if one is due; the number of messages redacted. */
    async redact(): Promise<number> {
      if (opts.afterDays === 0) return 0
      const now = deps.clock.now()
      if (now.getTime() < idleUntil) return 0
      const cutoff = new Date(now.getTime() - opts.afterDays * DAY_MS)
      const rows = await unredactedBefore(deps.db, cutoff, batch)
      if (rows.length < batch) idleUntil = now.getTime() + IDLE_MS
      if (rows.length === 0) return 0
      const redacted = rows.map(redactRow)
      const written = await writeRedactedInbox(deps.db, redacted, now, { onlyUnredacted: true })
      const failed = new Set(rows.filter((r) => r.status === 'failed').map((r) => r.id))
      await redactFailedJobs(
        deps.queues,
        redacted.filter((r) => failed.has(r.id) && written.includes(r.id)),
      )
      deps.log.info({ redacted: written.length, cutoff }, 'redacted personal data of old webhooks')
      return written.length
    },
  }
}

function redactRow(row: InboxRowToRedact) {
  return {
    id: row.id,
    receivedAt: row.received_at,
    body: redactBody(row.raw_body, personalData[row.channel]).body,
    // The channels' headers carry no buyer data (credentials were masked when stored).
    headers: row.headers,
  }
}
