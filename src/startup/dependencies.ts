import { Redis } from 'ioredis'
import { ensureDatabase } from '../db/migrate.js'
import { describePostgresFailure, describeRedisFailure } from './dependency-failure.js'
import type { Dependency } from './wait-for-dependency.js'

/**
 * PostgreSQL as start-up sees it: reachable, the role accepted, the database present (created
 * when missing, which needs the maintenance database `postgres`). Resolves whether it was created.
 */
export function postgresDependency(url: string, connectTimeoutMs: number): Dependency<boolean> {
  return {
    name: 'PostgreSQL',
    variable: 'DATABASE_URL',
    url,
    attempt: () => ensureDatabase(url, { connectTimeoutMs }),
    describe: describePostgresFailure,
  }
}

/**
 * Redis as start-up sees it: one short-lived connection that must answer PING. It never retries
 * on its own (the caller does, with its log line per attempt) and queues nothing while down.
 */
export function redisDependency(url: string, connectTimeoutMs: number): Dependency<void> {
  return {
    name: 'Redis',
    variable: 'REDIS_URL',
    url,
    async attempt() {
      const probe = new Redis(url, {
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        connectTimeout: connectTimeoutMs,
        connectionName: 'hub-startup-check',
      })
      // ioredis reports the real cause (ECONNREFUSED, WRONGPASS) as an 'error' event and rejects
      // connect() with a bare "Connection is closed": keep the event's error.
      let reported: Error | undefined
      probe.on('error', (err: Error) => (reported ??= err))
      try {
        await probe.connect()
        await probe.ping()
      } catch (err) {
        throw reported ?? (err as Error)
      } finally {
        probe.disconnect()
      }
      // Connected, but a setting in the URL was refused (a database index out of range).
      if (reported !== undefined) throw reported
    },
    describe: describeRedisFailure,
  }
}
