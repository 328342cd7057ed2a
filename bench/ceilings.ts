// Per-instance ceilings of the stores on this machine, for the capacity model (docs/scaling.md):
// Redis's operations per second (redis-benchmark) and PostgreSQL's write transactions per second,
// WAL rate and CPU per commit (pgbench's write-only "simple update" script in a scratch database),
// both against the capacity part's own servers (private-stores.ts).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { startCpuClock, type PidSource } from './cpu.js'
import { connectServer } from './store-counters.js'
import { dropDatabase, PG_BASE_URL } from './stores.js'

const run = promisify(execFile)

export interface RedisCeiling {
  /** The commands run, as typed (the port is the scratch server's). */
  readonly commands: readonly string[]
  /** Requests per second per test, as redis-benchmark printed them. */
  readonly opsPerSecond: Record<string, number>
}

export interface PostgresCeiling {
  readonly commands: readonly string[]
  readonly clients: number
  readonly seconds: number
  /** pgbench's transactions per second (each one commit: 3 updates and 1 insert). */
  readonly tps: number
  readonly walMBPerSecond: number
  /** PostgreSQL's CPU over the run (its backends for the scratch database and its own processes). */
  readonly postgresCpuMsPerCommit: number
}

/** `redis-benchmark -q` against the bench's own redis-server on `port` (no persistence). */
export async function measureRedisCeiling(port: number): Promise<RedisCeiling> {
  // A one-line Lua script stands for BullMQ's commands (its job moves are EVALSHA of scripts).
  const argSets = [
    ['-q', '-n', '200000', '-t', 'set,get,lpush'],
    ['-q', '-n', '100000', 'eval', "redis.call('set', KEYS[1], ARGV[1]) return 1", '1', 'k', 'v'],
  ]
  const opsPerSecond: Record<string, number> = {}
  const commands: string[] = []
  for (const args of argSets) {
    const full = ['-p', String(port), ...args]
    // As typed, but with the scratch server's port left out: it differs on every run.
    commands.push(`redis-benchmark ${args.map(quote).join(' ')}`)
    const { stdout } = await run('redis-benchmark', full, { maxBuffer: 1 << 20 })
    // "SET: 98716.68 requests per second, p50=0.255 msec" (redis-benchmark 7 -q; carriage
    // returns separate its progress lines)
    for (const m of stdout.matchAll(/([^\r\n:]+): ([\d.]+) requests per second/g)) {
      const name = m[1]!.trim()
      opsPerSecond[name.startsWith('eval') ? 'EVAL (one SET)' : name] = Number(m[2])
    }
  }
  await run('redis-cli', ['-p', String(port), 'flushall'])
  return { commands, opsPerSecond }
}

/**
 * pgbench -N (3 updates + 1 insert per transaction) against a scratch database, then dropped, on
 * the server PG_BASE_URL names, whose processes `pids` lists.
 */
export async function measurePostgresCeiling(
  clients: number,
  seconds: number,
  pids: PidSource,
): Promise<PostgresCeiling> {
  const db = `capacity_pgbench_${randomBytes(4).toString('hex')}`
  const { hostname, port, username } = new URL(PG_BASE_URL)
  const conn = ['-h', hostname, '-p', port || '5432', '-U', username || 'postgres']
  if (seconds < 5) throw new Error('the PostgreSQL ceiling needs a run of at least 5 s')
  const init = ['-i', '-q', '-s', '10', ...conn, db]
  const bench = ['-N', '-c', String(clients), '-j', '2', '-T', String(seconds), ...conn, db]
  const server = await connectServer()
  try {
    await server.query(`create database ${db}`)
    await run('pgbench', init)
    const lsn = async () =>
      Number(
        (
          await server.query<{ b: string }>(
            `select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') as b`,
          )
        ).rows[0]!.b,
      )
    // A backend's CPU is readable only while it lives: clock a window inside the run, once
    // pgbench's connections are up and seen, ending before they close.
    const running = run('pgbench', bench, { maxBuffer: 1 << 20 })
    await sleep(1_500)
    const wal0 = await lsn()
    const clock = startCpuClock({ postgres: pids })
    await sleep((seconds - 3) * 1000)
    const cpu = clock.stop()
    const wal1 = await lsn()
    const { stdout } = await running
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN)
    return {
      // As typed, without the scratch server's address and database name (new on every run).
      commands: [init, bench].map((a) => `pgbench ${a.slice(0, a.indexOf('-h')).join(' ')}`),
      clients,
      seconds,
      tps,
      walMBPerSecond: (wal1 - wal0) / 1e6 / cpu.seconds,
      postgresCpuMsPerCommit: ((cpu.cpuSeconds.postgres ?? NaN) * 1000) / cpu.seconds / tps,
    }
  } finally {
    await server.end()
    await dropDatabase(db)
  }
}

const quote = (s: string) => (/^[\w.,=/-]+$/.test(s) ? s : `"${s}"`)
