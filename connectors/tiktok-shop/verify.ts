/**
 * TikTok Shop webhook verification.
 *
 * Signed bytes: the app key followed by the raw request body, no separator.
 * Signature:    the `Authorization` header (no `Bearer ` prefix): lowercase hex of HMAC-SHA256
 *               keyed with the app secret. This is TikTok Shop's scheme, not TikTok for
 *               Developers' `TikTok-Signature: t=…,s=…`, which is refused here.
 * Tolerance:    none signed. The body's `timestamp` (Unix seconds, when the webhook fired) is
 *               checked against a window; the inbox's unique `tts_notification_id` is the replay
 *               defence inside it.
 * Sources:      channels.md §4 A2 (partner.tiktokshop.com configuration guide; the recipe is
 *               confirmed by two SDKs, repo:EcomPHP/tiktokshop-php src/Webhook.php and
 *               repo:easycb/easycb-go tiktok/sign.go).
 */
import { createHash } from 'node:crypto'
import { decodeJsonBody } from '../../src/json.js'
import { hmacMatchesAny } from '../shared/crypto.js'
import type { InboundRequest, VerifyContext, VerifyOutcome } from '../types.js'
import type { TikTokShopCredentials } from './config.js'
import { tiktokTopic } from './topics.js'

/** The inbox topic of a signed body the hub cannot read; the normalizer records it as invalid. */
export const UNREADABLE_TOPIC = 'UNREADABLE'

export function verifyTikTokShop(
  req: InboundRequest,
  ctx: VerifyContext<TikTokShopCredentials>,
): VerifyOutcome {
  const signature = req.headers.authorization?.trim()
  if (!signature) return { ok: false, reason: 'missing-header' }
  const { appKey, appSecrets } = ctx.credentials
  const signed = Buffer.concat([Buffer.from(appKey, 'utf8'), req.rawBody])
  if (!hmacMatchesAny(appSecrets, signed, signature, 'hex')) {
    return { ok: false, reason: 'bad-signature' }
  }
  const envelope = readEnvelope(req.rawBody)
  // Signed but unreadable: accepted and kept, so the inbox shows it as failed and it can be
  // replayed after a fix, instead of TikTok retrying a body that will never change.
  if (!envelope) return { ok: true, dedupeKey: bodyDigest(req.rawBody), topic: UNREADABLE_TOPIC }
  const expectedShop = ctx.credentials.shopId
  if (expectedShop && envelope.shopId !== expectedShop) {
    return { ok: false, reason: 'account-mismatch' }
  }
  const maxAgeMs = ctx.credentials.maxNotificationAgeSeconds * 1000
  if (envelope.firedAt && ctx.now.getTime() - envelope.firedAt.getTime() > maxAgeMs) {
    return { ok: false, reason: 'stale' }
  }
  return {
    ok: true,
    dedupeKey: envelope.notificationId ?? bodyDigest(req.rawBody),
    topic: envelope.type === undefined ? UNREADABLE_TOPIC : tiktokTopic(envelope.type),
    ...(envelope.firedAt ? { channelTime: envelope.firedAt } : {}),
  }
}

interface Envelope {
  readonly type: number | undefined
  readonly notificationId: string | undefined
  readonly shopId: string | undefined
  readonly firedAt: Date | undefined
}

/**
 * The envelope fields ingress needs, read leniently: the normalizer validates the payload, and a
 * missing field here only costs a fallback. Parsed losslessly, so an id sent as a bare number
 * beyond 2^53 keeps every digit.
 */
function readEnvelope(rawBody: Uint8Array): Envelope | undefined {
  const parsed = decodeJsonBody(rawBody)
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined
  const body = parsed.value as Record<string, unknown>
  const seconds = typeof body.timestamp === 'number' ? body.timestamp : undefined
  return {
    type: Number.isSafeInteger(body.type) ? (body.type as number) : undefined,
    notificationId: idString(body.tts_notification_id),
    shopId: idString(body.shop_id),
    firedAt:
      seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined,
  }
}

function idString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}

function bodyDigest(rawBody: Uint8Array): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`
}
