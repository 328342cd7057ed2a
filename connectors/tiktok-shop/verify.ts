/**
 * TikTok Shop webhook verification.
 *
 * Signed bytes: the app key followed by the raw request body, no separator.
 * Signature:    the `Authorization` header (no `Bearer ` prefix): lowercase hex of HMAC-SHA256
 *               keyed with the app secret. This is TikTok Shop's scheme, not TikTok for
 *               Developers' `TikTok-Signature: t=…,s=…`, which is refused here.
 * Tolerance:    none signed apart from the body. The body's `timestamp` (Unix seconds, when the
 *               webhook fired; the body is signed, so it cannot be altered) must be no older than
 *               `maxNotificationAgeSeconds` and no more than MAX_CLOCK_SKEW_MS ahead of our
 *               clock; the inbox's unique `tts_notification_id` is the replay defence inside it.
 * Sources:      channels.md §4 A2 (partner.tiktokshop.com configuration guide; the recipe is
 *               confirmed by two SDKs, repo:EcomPHP/tiktokshop-php src/Webhook.php and
 *               repo:easycb/easycb-go tiktok/sign.go).
 */
import { bodyDigestKey, idString, readJsonObject, UNREADABLE_TOPIC } from '../shared/body.js'
import { hmacMatchesAny } from '../shared/crypto.js'
import type { InboundRequest, VerifyContext, VerifyOutcome } from '../types.js'
import type { TikTokShopCredentials } from './config.js'
import { tiktokTopic } from './topics.js'

/**
 * How far ahead of our clock a body's `timestamp` may be: clocks drift by seconds, not minutes.
 * A body dated later than this was not fired now, and accepting it would let it be replayed
 * for longer than `maxNotificationAgeSeconds` after its (forged or mistaken) date. Five minutes,
 * the tolerance Standard Webhooks and Stripe use for signed timestamps
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

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
  if (!envelope) return { ok: true, dedupeKey: bodyDigestKey(req.rawBody), topic: UNREADABLE_TOPIC }
  const expectedShop = ctx.credentials.shopId
  if (expectedShop && envelope.shopId !== expectedShop) {
    return { ok: false, reason: 'account-mismatch' }
  }
  const maxAgeMs = ctx.credentials.maxNotificationAgeSeconds * 1000
  const ageMs = envelope.firedAt ? ctx.now.getTime() - envelope.firedAt.getTime() : 0
  // `stale` covers both sides of the window (connectors/types.ts): too old, or from the future.
  if (ageMs > maxAgeMs || ageMs < -MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'stale' }
  return {
    ok: true,
    dedupeKey: envelope.notificationId ?? bodyDigestKey(req.rawBody),
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

/** The envelope fields ingress needs, read leniently: a missing one only costs a fallback. */
function readEnvelope(rawBody: Uint8Array): Envelope | undefined {
  const body = readJsonObject(rawBody)
  if (!body) return undefined
  const seconds = typeof body.timestamp === 'number' ? body.timestamp : undefined
  return {
    type: Number.isSafeInteger(body.type) ? (body.type as number) : undefined,
    notificationId: idString(body.tts_notification_id),
    shopId: idString(body.shop_id),
    firedAt:
      seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined,
  }
}
