/**
 * Outgoing signatures per Standard Webhooks (https://www.standardwebhooks.com/, spec
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 *   webhook-id:        the event id (subscribers dedupe on it)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 * where key is the base64-decoded part of the subscription secret after "whsec_".
 */
import { createHmac, randomBytes } from 'node:crypto'

const PREFIX = 'whsec_'

/** A new subscription secret: 32 random bytes, in the `whsec_<base64>` form verifiers expect. */
export function generateSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`
}

export function signatureHeaders(
  secret: string,
  msg: { readonly id: string; readonly timestamp: Date; readonly body: string },
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const key = Buffer.from(
    secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret,
    'base64',
  )
  const seconds = Math.floor(msg.timestamp.getTime() / 1000).toString()
  const signature = createHmac('sha256', key)
    .update(`${msg.id}.${seconds}.${msg.body}`)
    .digest('base64')
  return {
    'webhook-id': msg.id,
    'webhook-timestamp': seconds,
    'webhook-signature': `v1,${signature}`,
  }
}
