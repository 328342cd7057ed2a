import type { RedisClient } from '../redis-client.js'
import type { Logger } from '../logger.js'
import {
  describeRedisFailure,
  isRedisConnectionError,
  redactUrl,
} from '../startup/dependency-failure.js'

/**
 * While Redis is away every connection reports every reconnect attempt (ours, each BullMQ queue's
 * view of them, each worker's blocking connection): about 1,300 log lines in 40 s with the sandbox's
 * seven workers. The watch turns that into one line when Redis goes away, a reminder every
 * `remindEveryMs`, and one line when it is back.
 */
export interface RedisWatch {
  /**
   * For 'error' listeners: true when `err` only says Redis cannot be reached (the watch has
   * accounted for it, do not log it); false for anything else, which the caller logs.
   */
  folds(err: unknown): boolean
  stop(): void
}

export function createRedisWatch(
  conns: { readonly producer: RedisClient; readonly worker: RedisClient },
  opts: {
    readonly url: string
    /** The variable that names Redis (REDIS_URL or REDIS_CLUSTER_NODES), default REDIS_URL. */
    readonly variable?: string
    readonly log: Logger
    readonly remindEveryMs: number
  },
): RedisWatch {
  const where = `Redis (${opts.variable ?? 'REDIS_URL'}=${redactUrl(opts.url)})`
  let state: 'connecting' | 'up' | 'down' = 'connecting'
  let downSince = 0
  let lastCause = ''
  let folded = 0
  let reminder: NodeJS.Timeout | undefined
  const bothReady = () => conns.producer.status === 'ready' && conns.worker.status === 'ready'

  function markDown(cause: string) {
    state = 'down'
    downSince = Date.now()
    folded = 0
    opts.log.error(
      { redis: redactUrl(opts.url), cause },
      `${where} is unreachable: ${cause}. Webhooks are still stored in PostgreSQL and answered; ` +
        'queued work waits, /readyz answers 503 and Bull Board 503 until it is back',
    )
    reminder = setInterval(() => {
      if (bothReady()) return markUp()
      opts.log.warn(
        { redis: redactUrl(opts.url), cause: lastCause, downForMs: Date.now() - downSince, folded },
        `${where} still unreachable after ${Math.round((Date.now() - downSince) / 1000)}s: ${lastCause}`,
      )
    }, opts.remindEveryMs)
    reminder.unref()
  }

  function markUp() {
    if (state === 'down') {
      clearInterval(reminder)
      opts.log.info(
        { redis: redactUrl(opts.url), downForMs: Date.now() - downSince, folded },
        `${where} is reachable again after ${Math.round((Date.now() - downSince) / 1000)}s`,
      )
    }
    state = 'up'
  }

  const onReady = () => {
    if (conns.producer.status === 'ready') markUp()
  }
  conns.producer.on('ready', onReady)
  conns.worker.on('ready', onReady)

  return {
    folds(err) {
      if (!isRedisConnectionError(err)) return false
      folded++
      lastCause = describeRedisFailure(err).cause
      // A worker's blocking connection still reconnecting while the producer is back is a
      // straggler of the same outage, not a new one.
      if (state !== 'down' && conns.producer.status !== 'ready') markDown(lastCause)
      return true
    },
    stop() {
      clearInterval(reminder)
      conns.producer.off('ready', onReady)
      conns.worker.off('ready', onReady)
    },
  }
}
