import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { ConsoleDeps } from './deps.js'

/**
 * The console's pages load only what the hub serves under /console/assets (no inline script or
 * style, no other origin), post forms only to the hub, and cannot be framed.
 */
export const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
}

/** How long a confirmation page's Confirm button stays good. */
export const CONFIRMATION_TTL_MS = 10 * 60_000

/**
 * Confirmation tokens: the Confirm button of an action's second step carries an HMAC, keyed by the
 * admin token, of the action, exactly the fields the operator reviewed, and when. A post without
 * it, with other fields, or older than {@link CONFIRMATION_TTL_MS} does nothing. Another site
 * cannot read the confirmation page, so it cannot make one either (besides the write guard).
 */
export function confirmations(adminToken: string) {
  const key = createHash('sha256')
    .update(`marketplace-hub console confirmation\0${adminToken}`)
    .digest()
  const mac = (action: string, fields: Readonly<Record<string, string>>, issuedAt: number) => {
    const canonical = JSON.stringify(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)))
    return createHmac('sha256', key)
      .update(`${action}\n${canonical}\n${issuedAt}`)
      .digest('base64url')
  }
  return {
    issue(action: string, fields: Readonly<Record<string, string>>, now: Date): string {
      const issuedAt = now.getTime()
      return `${issuedAt}.${mac(action, fields, issuedAt)}`
    },
    /** Why `token` does not confirm `action` with `fields` now, or undefined when it does. */
    refusal(
      token: string,
      action: string,
      fields: Readonly<Record<string, string>>,
      now: Date,
    ): string | undefined {
      const [issued, presented] = token.split('.', 2)
      const issuedAt = Number(issued)
      if (!presented || !Number.isSafeInteger(issuedAt)) return 'not a confirmation of this form'
      const expected = Buffer.from(mac(action, fields, issuedAt))
      const given = Buffer.from(presented)
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return 'does not match the fields reviewed; review the action again'
      if (now.getTime() - issuedAt > CONFIRMATION_TTL_MS)
        return 'expired (over 10 minutes old); review the action again'
      return undefined
    },
  }
}
export type Confirmations = ReturnType<typeof confirmations>

/**
 * Why a valid confirmation cannot act again, or undefined the first time it is used: a second
 * post of the same Confirm button (a double click, the browser's "resend") would start a second
 * bulk replay run. Marked in Redis for as long as the token is good; without Redis it is not
 * checked (the action goes ahead, as the admin API's would), and the log says so.
 */
export async function firstUse(
  deps: Pick<ConsoleDeps, 'redis' | 'config' | 'log'>,
  token: string,
  ttlMs: number,
): Promise<string | undefined> {
  const key = `${deps.config.queues.prefix}:console:confirmed:${createHash('sha256').update(token).digest('base64url')}`
  try {
    const set = await deps.redis.producer.set(key, '1', 'PX', ttlMs, 'NX')
    return set === 'OK' ? undefined : 'already confirmed once; review the action again to repeat it'
  } catch (err) {
    deps.log.warn({ err }, 'console: could not check that a confirmation is used once')
    return undefined
  }
}
