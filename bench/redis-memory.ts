// Redis memory attributable to one queue prefix: its keys (SCAN) and the sum of MEMORY USAGE over them.
import type { Redis } from 'ioredis'

/**
 * BullMQ's per-queue keys, `<prefix>:<queue>:<name>`, that exist whatever the job count. Any other
 * `<prefix>:<queue>:<id>` key (and its `:lock` / `:logs`) belongs to one job.
 */
const QUEUE_STRUCTURE = new Set([
  'wait',
  'paused',
  'active',
  'meta',
  'id',
  'events',
  'completed',
  'failed',
  'delayed',
  'prioritized',
  'marker',
  'pc',
  'stalled',
  'stalled-check',
  'limiter',
  'repeat',
  'metrics',
  'de',
])

export interface PrefixMemory {
  readonly keys: number
  /** Sum of MEMORY USAGE (SAMPLES 0: every element counted) over the prefix's keys. */
  readonly bytes: number
  /** Of those, keys and bytes of individual jobs (jobs still waiting, active or failed). */
  readonly jobKeys: number
  readonly jobBytes: number
  /**
   * Of those, BullMQ's per-queue event streams: capped (maxLenEvents, 10,000 entries by default,
   * trimmed approximately), so they grow over the first few thousand jobs and then stay flat.
   */
  readonly eventBytes: number
  /** The longest event stream, in entries. */
  readonly longestEvents: number
  /** The whole server's used_memory (INFO memory), for scale. */
  readonly usedMemory: number
}

export async function prefixMemory(redis: Redis, prefix: string): Promise<PrefixMemory> {
  let keys = 0
  let bytes = 0
  let jobKeys = 0
  let jobBytes = 0
  let eventBytes = 0
  let longestEvents = 0
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (batch.length === 0) continue
    const pipeline = redis.pipeline()
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0)
    const usages = (await pipeline.exec()) ?? []
    const streams: string[] = []
    batch.forEach((key, i) => {
      const usage = Number(usages[i]?.[1] ?? 0)
      keys++
      bytes += usage
      // `<prefix>:<queue>:<rest>`: a job's key unless <rest> starts with a structural name.
      const rest = key
        .slice(prefix.length + 1)
        .split(':')
        .slice(1)
      if (rest.length > 0 && !QUEUE_STRUCTURE.has(rest[0]!)) {
        jobKeys++
        jobBytes += usage
      } else if (rest.length === 1 && rest[0] === 'events') {
        eventBytes += usage
        streams.push(key)
      }
    })
    for (const key of streams) longestEvents = Math.max(longestEvents, await redis.xlen(key))
  } while (cursor !== '0')
  const info = await redis.info('memory')
  const usedMemory = Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN)
  return { keys, bytes, jobKeys, jobBytes, eventBytes, longestEvents, usedMemory }
}
