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
 *
 * {@link readTokenAnswer} reads the OAuth 2.0 answer both endpoints give, and
 * {@link sendWithToken} is the send-once-more-with-a-new-token step of a call the channel may
 * refuse for its token.
 */
import { z } from 'zod'
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

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
})

/**
 * An OAuth 2.0 token answer, `{ access_token, expires_in?, … }` (RFC 6749 §5.1), as an
 * {@link IssuedToken}: `expires_in` when given, else the channel's documented lifetime. Undefined
 * for an answer of another shape.
 */
export function readTokenAnswer(
  body: unknown,
  documentedLifetimeSeconds: number,
): IssuedToken | undefined {
  const parsed = TokenAnswer.safeParse(body)
  if (!parsed.success) return undefined
  return {
    value: parsed.data.access_token,
    expiresInSeconds: parsed.data.expires_in ?? documentedLifetimeSeconds,
  }
}

/**
 * Sends with the cached token; when the channel refuses that token (`isTokenRefused`), forgets it
 * (unless another caller replaced it already) and sends once more with a new one. What the second
 * attempt brings back is returned whatever it is: a second refusal is the credentials' problem.
 */
export async function sendWithToken<Sent>(
  token: CachedToken,
  send: (accessToken: string) => Promise<Sent>,
  isTokenRefused: (sent: Sent) => boolean,
): Promise<Sent> {
  const used = await token.get()
  const sent = await send(used)
  if (!isTokenRefused(sent)) return sent
  token.invalidate(used)
  return send(await token.get())
}
