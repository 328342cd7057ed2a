import type { Logger } from '../../logger.js'

/** Tells waiting streams when the feed's head moves past where they are. */
export interface HeadWatcher {
  /** Resolves when the head passes `position`, `ms` have passed, or `signal` aborts: whichever is first. */
  wait(position: bigint, ms: number, signal: AbortSignal): Promise<void>
}

/**
 * One poll of the feed's head per process, shared by every waiting stream, and only while one
 * waits: an idle hub or one with no open stream reads nothing. Polled rather than notified: the
 * outbox's NOTIFY fires when an event is appended, before the relay gives it a position, so it
 * cannot say the feed moved.
 */
export function createHeadWatcher(
  readHead: () => Promise<bigint>,
  intervalMs: number,
  log: Logger,
): HeadWatcher {
  const waiters = new Set<{ readonly position: bigint; wake(): void }>()
  // A poll is scheduled or running; at most one at a time.
  let polling = false

  const schedule = () => {
    if (polling || waiters.size === 0) return
    polling = true
    setTimeout(() => void poll(), intervalMs)
  }
  const poll = async () => {
    try {
      const head = await readHead()
      for (const waiter of waiters) if (head > waiter.position) waiter.wake()
    } catch (err) {
      // The streams wake on their timeout and send heartbeats meanwhile; the next poll may work.
      log.warn({ err }, 'reading the feed head for open streams failed; will retry')
    } finally {
      polling = false
      schedule()
    }
  }

  return {
    wait(position, ms, signal) {
      return new Promise<void>((resolve) => {
        const waiter = { position, wake: done }
        const timer = setTimeout(done, ms)
        signal.addEventListener('abort', done)
        function done() {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          waiters.delete(waiter)
          resolve()
        }
        if (signal.aborted) return done()
        waiters.add(waiter)
        schedule()
      })
    },
  }
}
