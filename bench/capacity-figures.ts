// The measured figures the capacity model (scripts/capacity-model.ts, docs/scaling.md) computes
// from: written by `npm run bench:capacity` (bench/capacity.ts) to docs/capacity-figures.json.
import type { PostgresCeiling, RedisCeiling } from './ceilings.js'

export const CAPACITY_FIGURES_PATH = 'docs/capacity-figures.json'

export interface CapacityFigures {
  /** When and on what the figures were taken. */
  readonly date: string
  /** `git describe --always --dirty` of the measured code. */
  readonly commit: string
  readonly machine: { readonly cores: number; readonly model: string; readonly node: string }
  /** The command that takes them again. */
  readonly command: string
  /** The e2e run measured: signed Shopify orders/create webhooks at a fixed rate (wrk, open loop). */
  readonly run: {
    readonly layout: 'api+worker'
    /** Webhooks per second sent: the model's 1×. */
    readonly rate: number
    readonly seconds: number
    readonly sent: number
    /** Answered 2xx: what the per-webhook figures divide by. */
    readonly acked: number
    readonly delivered: number
    readonly p50Ms: number
    readonly p99Ms: number
    /** Whether the rate was held (p99 < 100 ms, every webhook delivered once). */
    readonly sustained: boolean
    /** How long the CPU was clocked: from the first send to the last delivery. */
    readonly clockedSeconds: number
    /** % of one core busy with work other than this run's, over that span (noise). */
    readonly otherProcessesPercent: number
  }
  /**
   * CPU ms per webhook acknowledged, from /proc/<pid>/stat from the first send until the hub has
   * normalized and delivered them all, per process group.
   */
  readonly cpuMsPerWebhook: {
    readonly 'hub api': number
    readonly 'hub worker': number
    readonly postgres: number
    readonly redis: number
  }
  /**
   * CPU ms per webhook per stage within each hub process: the share of the process's busy V8
   * profile samples in each stage (a second, profiled run, bench/profile-stages.ts) times the
   * process's CPU per webhook above.
   */
  readonly stages: {
    readonly profileSeconds: number
    readonly samples: Record<string, number>
    readonly msPerWebhook: Record<string, Record<string, number>>
  }
  /** PostgreSQL, per webhook acknowledged: pg_stat_database of the hub's database, WAL server-wide. */
  readonly postgres: {
    readonly commits: number
    readonly rowsInserted: number
    readonly rowsUpdated: number
    readonly rowsDeleted: number
    readonly walBytes: number
    readonly walRecords: number
    /** Growth of the database on disk (pg_database_size), bytes per webhook. */
    readonly storedBytes: number
    /** Commits in other databases during the window: WAL from them is in walBytes too. */
    readonly otherDatabasesCommits: number
  }
  /** Redis, per webhook acknowledged: INFO commandstats (server-wide). */
  readonly redis: {
    readonly calls: number
    /** Redis's own time in the commands (usec in commandstats), µs per webhook. */
    readonly commandUs: number
    /** The commands with the most calls: calls per webhook and µs per call. */
    readonly top: readonly {
      readonly command: string
      readonly callsPerWebhook: number
      readonly usPerCall: number
    }[]
  }
  /** The stores' per-instance ceilings on this machine. */
  readonly ceilings: { readonly redis: RedisCeiling; readonly postgres: PostgresCeiling }
}
