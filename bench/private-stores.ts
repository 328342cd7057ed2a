// A PostgreSQL cluster and a Redis server of the bench's own, on free ports, for the capacity
// figures: their WAL, commands and CPU are then the hub's alone, not also those of whoever else
// uses the machine's shared servers. Both use their defaults, as the shared ones do (Debian's
// PostgreSQL 15: shared_buffers 128MB, synchronous_commit on; Redis without persistence).
import { execFile } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { freePort, spawnChild, tail, type Child } from './processes.js'

const run = promisify(execFile)

export interface PrivateStores {
  readonly pgBaseUrl: string
  readonly redisUrl: string
  /** The PostgreSQL server's data directory (its postmaster's pid is in postmaster.pid). */
  readonly pgDataDir: string
  readonly redisPid: number
  stop(): Promise<void>
}

/** Where Debian keeps PostgreSQL's server programs (initdb, pg_ctl are not on PATH there). */
async function pgBinDir(): Promise<string> {
  const { stdout } = await run('pg_config', ['--bindir'])
  return stdout.trim()
}

/** initdb refuses to run as root: run the server programs as `postgres` then. */
async function asServerUser(cmd: string, args: readonly string[]): Promise<void> {
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', cmd, ...args])
  else await run(cmd, [...args])
}

export async function startPrivateStores(logDir: string): Promise<PrivateStores> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-capacity-stores-'))
  const pgDataDir = join(dir, 'pg')
  const bin = await pgBinDir()
  const pgPort = await freePort()
  const redisPort = await freePort()
  let redis: Child | undefined
  let pgStarted = false
  const stop = async () => {
    if (pgStarted)
      await asServerUser(join(bin, 'pg_ctl'), ['stop', '-D', pgDataDir, '-m', 'fast', '-w']).catch(
        (err: unknown) => console.warn(`  private PostgreSQL: ${String(err)}`),
      )
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      chownSync(dir, Number(stdout.trim()), Number(stdout.trim()))
    }
    await asServerUser(join(bin, 'initdb'), [
      '-D',
      pgDataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
    ])
    const options = `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1`
    await asServerUser(join(bin, 'pg_ctl'), [
      'start',
      '-D',
      pgDataDir,
      '-w',
      '-o',
      options,
      '-l',
      join(dir, 'postgres.log'),
    ])
    pgStarted = true
    redis = spawnChild({
      name: 'redis-server (capacity, private)',
      command: 'redis-server',
      args: [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      env: process.env,
      logFile: join(logDir, 'redis-capacity.log'),
    })
    for (let i = 0; ; i++) {
      try {
        await run('redis-cli', ['-p', String(redisPort), 'ping'])
        break
      } catch {
        if (i > 50) throw new Error(`private redis-server did not start: ${tail(redis.logFile, 5)}`)
        await sleep(100)
      }
    }
  } catch (err) {
    await stop()
    throw err
  }
  return {
    pgBaseUrl: `postgres://postgres@127.0.0.1:${pgPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    pgDataDir,
    redisPid: redis.pid,
    stop,
  }
}
