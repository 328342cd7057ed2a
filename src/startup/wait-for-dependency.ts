import type { Logger } from '../logger.js'
import { redactUrl, type DependencyFailure } from './dependency-failure.js'

/** A start-up failure that is fully explained by its message: printed as is, no stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError'
}

export interface Dependency<T> {
  /** As a person calls it: "PostgreSQL", "Redis". */
  readonly name: string
  /** The environment variable that points at it, named in every line so the fix is obvious. */
  readonly variable: string
  readonly url: string
  /** One attempt; throws what the client threw. */
  attempt(): Promise<T>
  describe(err: unknown): DependencyFailure
}

export interface RetryPolicy {
  /** Total time to keep trying; 0 tries once. */
  readonly retryMs: number
  readonly log: Logger
  /** Aborted when another dependency has failed for good: stop after the current attempt. */
  readonly signal?: AbortSignal
  /** Injected so unit tests do not wait. */
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

/** Backoff between attempts: 0.5 s doubling to at most 5 s, so a server that comes up is seen soon. */
const FIRST_DELAY_MS = 500
const MAX_DELAY_MS = 5_000

/**
 * Tries `dep` until it answers, a permanent failure (wrong password, unknown role, missing
 * database) or `retryMs` has passed. Each failed attempt is one log line naming the dependency,
 * its variable (password redacted) and the cause; giving up throws a StartupError whose message
 * says the same and what to change.
 */
export async function waitForDependency<T>(dep: Dependency<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const now = policy.now ?? Date.now
  const where = `${dep.name} (${dep.variable}=${redactUrl(dep.url)})`
  const deadline = now() + policy.retryMs
  let delay = FIRST_DELAY_MS
  for (let attempt = 1; ; attempt++) {
    try {
      return await dep.attempt()
    } catch (err) {
      // The attempt found something retrying cannot change and said all of it.
      if (err instanceof StartupError) throw err
      const failure = dep.describe(err)
      if (failure.permanent) {
        throw new StartupError(
          `${where} refused the connection: ${failure.cause}. Fix ${dep.variable}; retrying cannot help.`,
        )
      }
      const left = deadline - now()
      if (left <= 0 || policy.signal?.aborted) {
        const waited = Math.round((now() - deadline + policy.retryMs) / 1000)
        throw new StartupError(
          `${where} could not be reached${waited > 0 ? ` within ${waited}s` : ''}: ${failure.cause}. ` +
            `Start it, or point ${dep.variable} at it (STARTUP_RETRY_SECONDS sets how long to wait).`,
        )
      }
      const wait = Math.min(delay, left)
      policy.log.warn(
        { dependency: dep.name, variable: dep.variable, attempt, retryInMs: wait },
        `${where} is not reachable: ${failure.cause}; retrying in ${(wait / 1000).toFixed(1)}s ` +
          `(attempt ${attempt}, giving up after ${Math.round(policy.retryMs / 1000)}s)`,
      )
      await sleep(wait)
      delay = Math.min(delay * 2, MAX_DELAY_MS)
    }
  }
}
