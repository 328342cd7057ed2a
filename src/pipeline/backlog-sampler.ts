import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { recordBacklogSample } from '../db/repos/backlog-samples.js'
import type { Database } from '../db/schema.js'
import { backlogSnapshot } from '../metrics/backlog.js'

/**
 * Keeps the pipeline's backlog once a minute for the console's chart: the leader calls `sample`
 * at every sweep (every SWEEP_INTERVAL_MS), and the counts (the same reads as `/metrics`) are
 * taken and stored only in a minute not sampled yet.
 */
export function createBacklogSampler(deps: {
  readonly db: Kysely<Database>
  readonly clock: Clock
}) {
  let sampledMinute = -1
  return {
    async sample(): Promise<boolean> {
      const now = deps.clock.now()
      const minute = Math.floor(now.getTime() / 60_000)
      if (minute === sampledMinute) return false
      const backlog = await backlogSnapshot(deps.db, deps.clock)
      await recordBacklogSample(deps.db, now, backlog)
      sampledMinute = minute
      return true
    },
  }
}
