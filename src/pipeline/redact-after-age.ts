import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import {
  unredactedBefore,
  writeRedactedInbox,
  type InboxRowToRedact,
  type RedactedInboxRow,
} from '../db/repos/personal-data.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../logger.js'
import type { Queues } from '../queues/index.js'
import { personalData, redactBody } from '../../normalizers/index.js'
import { redactFailedJobs } from './redact-failed-jobs.js'

const DAY_MS = 86_400_000
/** Rows per statement: each batch is one short read and one short update, never a long lock. */
export const REDACT_BATCH = 200
/**
 * Bodies redacted between two yields to the event loop: about 1.5 ms each (measured, see
 * docs/operations.md "Personal data"), so the relay and HTTP wait at most ~30 ms for it.
 */
const ROWS_PER_SLICE = 20
/** Longest a background run goes on; the next sweep starts another while a backlog remains. */
const RUN_BUDGET_MS = 2_000
/** With nothing left to redact, look again after this long (the cutoff moves slowly). */
const IDLE_MS = 60_000

/**
 * Redacts buyer personal data in stored webhooks older than `afterDays` (PII_REDACT_AFTER_DAYS):
 * each body keeps its shape with personal values replaced by the marker (the channel's
 * personal-data.ts), and the row is marked `redacted_at`. Order state and events are left as
 * they are. The relay leader calls `start` at every sweep: a run goes on in the background (the
 * leader awaits its sweep before relaying again, and must not wait for this), batch after batch
 * while they come back full, for at most RUN_BUDGET_MS. A failed message's job in Redis keeps
 * the body too: it is rewritten the same way.
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
  let running: Promise<void> | undefined

  /** One batch, if one is due; the number of messages redacted. */
  async function redact(): Promise<number> {
    if (opts.afterDays === 0) return 0
    const now = deps.clock.now()
    if (now.getTime() < idleUntil) return 0
    const cutoff = new Date(now.getTime() - opts.afterDays * DAY_MS)
    const rows = await unredactedBefore(deps.db, cutoff, batch)
    if (rows.length < batch) idleUntil = now.getTime() + IDLE_MS
    if (rows.length === 0) return 0
    const redacted: RedactedInboxRow[] = []
    for (const row of rows) {
      redacted.push(redactRow(row))
      if (redacted.length % ROWS_PER_SLICE === 0) await new Promise((done) => setImmediate(done))
    }
    const written = new Set(
      await writeRedactedInbox(deps.db, redacted, now, { onlyUnredacted: true }),
    )
    const failed = new Set(rows.filter((r) => r.status === 'failed').map((r) => r.id))
    await redactFailedJobs(
      deps.queues,
      redacted.filter((r) => failed.has(r.id) && written.has(r.id)),
    )
    deps.log.info({ redacted: written.size, cutoff }, 'redacted personal data of old webhooks')
    return written.size
  }

  async function run(): Promise<void> {
    const until = Date.now() + RUN_BUDGET_MS
    while ((await redact()) === batch && Date.now() < until);
  }

  return {
    redact,
    /** Starts a background run unless one is going; returns at once. */
    start(): void {
      if (running || opts.afterDays === 0) return
      running = run()
        .catch((err: unknown) =>
          deps.log.warn({ err }, 'redacting old webhooks failed; will retry'),
        )
        .finally(() => (running = undefined))
    },
    /** Waits for the run in progress, if any (at shutdown). */
    async drain(): Promise<void> {
      await running
    },
  }
}

function redactRow(row: InboxRowToRedact): RedactedInboxRow {
  return {
    id: row.id,
    receivedKey: row.received_key,
    body: redactBody(row.raw_body, personalData[row.channel]).body,
    // The channels' headers carry no buyer data (credentials were masked when stored).
    headers: row.headers,
  }
}
