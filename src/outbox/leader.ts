import { hostname } from 'node:os'
import pg from 'pg'
import type { Logger } from '../logger.js'
import { OUTBOX_CHANNEL } from './append.js'

/** How long after taking the lead the first scheduled order sync is queued. */
const FIRST_ORDER_SYNC_MS = 30_000

/**
 * The lock connection's name in `pg_stat_activity`, so `pg_locks` says which process leads. The
 * pid comes first: PostgreSQL keeps only the first 63 bytes of an application_name
 * (https://www.postgresql.org/docs/current/runtime-config-logging.html#GUC-APPLICATION-NAME), so
 * a long host name loses its end, not the pid.
 */
const LEADER_APPLICATION_NAME = `hub-relay-leader pid=${process.pid} host=${hostname()}`

/** Arbitrary constant naming the relay's advisory lock ("hubr" in ASCII). */
const RELAY_LOCK_KEY = 0x68756272

export interface LeaderTasks {
  /** Publishes one batch; returns how many events it relayed. */
  relay(): Promise<number>
  /** Re-enqueues work whose jobs were lost. */
  sweep(): Promise<unknown>
  /** Queues a reconciliation check of every listing. */
  reconcile(): Promise<unknown>
  /** Queues every account's scheduled order sync. */
  orderSync(): Promise<unknown>
}

export interface LeaderOptions {
  readonly databaseUrl: string
  /** Poll fallback: the relay runs at least this often even if a notification is missed. */
  readonly pollMs: number
  /**
   * Least time between two relay batches. Under load, commits arrive faster than batches finish;
   * waiting this long lets them gather into one batch, so the relay's cost per event falls as
   * load rises, at the price of at most this much added latency.
   */
  readonly minBatchIntervalMs: number
  readonly sweepIntervalMs: number
  /** 0: never (reconciliation only on demand). */
  readonly reconcileIntervalMs: number
  /** 0: never (order sync only on demand). */
  readonly orderSyncIntervalMs: number
  /** Batch size of `relay`; a full batch means more may be waiting, so the loop goes again at once. */
  readonly relayBatch: number
  /** How long a follower waits before trying to take over the lock. */
  readonly retryMs: number
}

export interface RelayLeader {
  /** True while this process holds the lock. */
  isLeader(): boolean
  stop(): Promise<void>
}

/**
 * Runs the relay, the sweeper, scheduled reconciliation and order sync in at most one process at a time. Leadership is a session-level
 * Postgres advisory lock on a dedicated connection: if the process or its connection dies, Postgres
 * releases the lock and a follower takes over within `retryMs`. The leader LISTENs for outbox
 * commits and falls back to polling.
 */
export function startRelayLeader(
  opts: LeaderOptions,
  tasks: LeaderTasks,
  log: Logger,
): RelayLeader {
  let stopping = false
  let leading = false
  let wake: (() => void) | undefined
  // Set by a notification that arrives while the loop is busy, so the next sleep is skipped.
  let signalled = false
  const nudge = () => {
    signalled = true
    wake?.()
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (signalled) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })

  async function lead(client: pg.Client): Promise<void> {
    let lastSweep = 0
    // The first reconciliation runs one interval after taking the lead, not at every restart.
    let lastReconcile = Date.now()
    // The first order sync runs FIRST_ORDER_SYNC_MS after taking the lead (or an interval, if
    // shorter): soon enough for orders missed while no process led, without every start of a
    // process (a deploy, a crash loop) reading every channel at once.
    let lastOrderSync =
      Date.now() -
      opts.orderSyncIntervalMs +
      Math.min(FIRST_ORDER_SYNC_MS, opts.orderSyncIntervalMs)
    let broken: Error | undefined
    client.on('error', (err) => {
      broken = err
      nudge()
    })
    client.on('notification', nudge)
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`)
    leading = true
    log.info('relay leader: this process now publishes the outbox and runs the sweeper')
    let lastRelay = 0
    while (!stopping && broken === undefined) {
      const gap = lastRelay + opts.minBatchIntervalMs - Date.now()
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap))
      signalled = false
      lastRelay = Date.now()
      let relayed = await tasks.relay()
      while (relayed >= opts.relayBatch && !stopping) relayed = await tasks.relay()
      if (Date.now() - lastSweep >= opts.sweepIntervalMs) {
        lastSweep = Date.now()
        // A sweep needs Redis; while Redis is away the relay must keep publishing regardless.
        await tasks.sweep().catch((err: unknown) => log.warn({ err }, 'sweep failed; will retry'))
      }
      if (opts.reconcileIntervalMs > 0 && Date.now() - lastReconcile >= opts.reconcileIntervalMs) {
        lastReconcile = Date.now()
        await tasks
          .reconcile()
          .catch((err: unknown) => log.warn({ err }, 'queueing reconciliation failed; will retry'))
      }
      if (opts.orderSyncIntervalMs > 0 && Date.now() - lastOrderSync >= opts.orderSyncIntervalMs) {
        lastOrderSync = Date.now()
        await tasks
          .orderSync()
          .catch((err: unknown) => log.warn({ err }, 'queueing order sync failed; will retry'))
      }
      if (!stopping) await sleep(opts.pollMs)
    }
    if (broken !== undefined) throw broken
  }

  async function run(): Promise<void> {
    while (!stopping) {
      const client = new pg.Client({
        connectionString: opts.databaseUrl,
        application_name: LEADER_APPLICATION_NAME,
      })
      client.on('error', () => undefined) // reported through lead(); never crash the process
      try {
        await client.connect()
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1) as locked',
          [RELAY_LOCK_KEY],
        )
        if (rows[0]?.locked) await lead(client)
      } catch (err) {
        log.error({ err }, 'relay leader loop failed; retrying')
      } finally {
        leading = false
        await client.end().catch(() => undefined)
      }
      if (!stopping) await sleep(opts.retryMs)
    }
  }

  const loop = run()
  return {
    isLeader: () => leading,
    async stop() {
      stopping = true
      nudge()
      await loop
    },
  }
}
