import { Redis } from 'ioredis'

/** The Redis settings that decide whether queued jobs survive memory pressure and restarts. */
export interface RedisDurabilitySettings {
  readonly maxmemoryPolicy: string
  /** `yes` or `no`. */
  readonly appendonly: string
  /** RDB snapshot schedule; empty when snapshots are off. */
  readonly save: string
}

/**
 * What an operator should be told about those settings. PostgreSQL is the record, so nothing
 * accepted is lost either way (the sweeper re-enqueues), but an evicting or forgetful Redis turns
 * every memory spike or restart into a recovery. BullMQ requires `noeviction`
 * (https://docs.bullmq.io/guide/going-to-production#max-memory-policy).
 */
export function redisDurabilityProblems(settings: RedisDurabilitySettings): string[] {
  const problems: string[] = []
  if (settings.maxmemoryPolicy !== 'noeviction') {
    problems.push(
      `Redis maxmemory-policy is ${settings.maxmemoryPolicy}, not noeviction: under memory pressure ` +
        'it may evict queued jobs, which the sweeper then has to re-enqueue from PostgreSQL',
    )
  }
  if (settings.appendonly !== 'yes' && settings.save.trim() === '') {
    problems.push(
      'Redis keeps nothing on disk (appendonly no, no save schedule): after a restart every ' +
        'queued job is gone until the sweeper re-enqueues it from PostgreSQL',
    )
  }
  return problems
}

/**
 * Reads the settings over a short-lived connection of its own (the hub's connections are busy
 * with blocking queue commands or refuse to queue offline). Undefined when Redis refuses
 * `CONFIG GET`, as managed services often do.
 */
export async function readRedisDurabilitySettings(
  url: string,
): Promise<RedisDurabilitySettings | undefined> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectionName: 'hub-config-check',
    lazyConnect: true,
    retryStrategy: () => null, // one try: the answer is "unknown" otherwise
  })
  // Failures are the return value; without a listener ioredis would also print them as unhandled.
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    const read = async (name: string) => {
      const [, value] = (await redis.config('GET', name)) as [string?, string?]
      return value ?? ''
    }
    return {
      maxmemoryPolicy: await read('maxmemory-policy'),
      appendonly: await read('appendonly'),
      save: await read('save'),
    }
  } catch {
    return undefined
  } finally {
    redis.disconnect()
  }
}
