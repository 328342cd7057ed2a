/**
 * An access token cached until shortly before it expires, for channels whose API calls carry a
 * short-lived token obtained from a token endpoint (Amazon's LWA, Walmart's `/v3/token`).
 *
 * - One renewal at a time: callers arriving while a token is being fetched share that request,
 *   and share its failure too; the next caller after a failure asks again.
 * - The lifetime counts from when the token was asked for, not from when the answer arrived, so
 *   a slow answer errs on the early side.
 * - It is renewed `refreshMarginMs` before it expires, but at most half its lifetime early, so a
 *   short-lived token is still used a while instead of being renewed before every call.
 * - `invalidate(value)` forgets a token the channel refused, unless another caller has already
 *   replaced it (the replacement is kept).
 * - The latest tokens are listed so error messages can redact them.
 */
import type { Clock } from '../../src/clock.js'

/** What a token endpoint answered. */
export interface IssuedToken {
  readonly value: string
  /** Lifetime in seconds, as the issuer states it (`expires_in`). */
  readonly expiresInSeconds: number
}

export interface CachedTokenOptions {
  readonly clock: Clock
  /** Asks the token endpoint for a new token; its error reaches every caller waiting. */
  readonly issue: () => Promise<IssuedToken>
  /** Renew this long before expiry (capped at half the token's lifetime). */
  readonly refreshMarginMs: number
  /** How many of the latest tokens {@link CachedToken.recent} lists. Default 4. */
  readonly remember?: number
}

export interface CachedToken {
  /** A token valid for a while yet: the cached one, else one renewal shared by every caller. */
  get(): Promise<string>
  /** Forgets `value` if it is still the cached token; a token that replaced it stays. */
  invalidate(value: string): void
  /** The latest tokens issued, newest first (for redaction). */
  recent(): readonly string[]
}

export function cachedToken(options: CachedTokenOptions): CachedToken {
  const remember = options.remember ?? 4
  const latest: string[] = []
  let current: { readonly value: string; readonly renewAt: number } | undefined
  let renewal: Promise<string> | undefined

  async function renew(): Promise<string> {
    const askedAt = options.clock.now().getTime()
    const issued = await options.issue()
    const lifetimeMs = issued.expiresInSeconds * 1000
    const margin = Math.min(options.refreshMarginMs, lifetimeMs / 2)
    current = { value: issued.value, renewAt: askedAt + lifetimeMs - margin }
    latest.unshift(issued.value)
    latest.length = Math.min(latest.length, remember)
    return issued.value
  }

  return {
    get() {
      if (current && options.clock.now().getTime() < current.renewAt) {
        return Promise.resolve(current.value)
      }
      renewal ??= renew().finally(() => {
        renewal = undefined
      })
      return renewal
    },
    invalidate(value) {
      if (current?.value === value) current = undefined
    },
    recent: () => [...latest],
  }
}
